package org.webfilter.proxy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The school's root CA for TLS interception (STACK.md §6: EC P-256, SHA256withECDSA; BouncyCastle
 * builds and signs, the JDK generates keys). Created on first start in its directory and reused
 * afterwards:
 *
 * <ul>
 *   <li>{@value #CERT_FILE}: the certificate (PEM), public: devices install it as a trusted root;
 *   <li>{@value #KEY_FILE}: the private key (PEM, PKCS#8), readable and writable by its owner
 *       only. A key file that others may read is refused, not used.
 * </ul>
 *
 * Issues leaf certificates for server names: valid from a day back (clock skew) for {@link
 * #LEAF_VALIDITY}, never beyond the CA itself.
 */
final class SchoolCa {
  private static final Logger LOG = LoggerFactory.getLogger(SchoolCa.class);
  static final String CERT_FILE = "webfilter-ca.crt";
  static final String KEY_FILE = "webfilter-ca.key";
  static final Duration CA_VALIDITY = Duration.ofDays(3653);
  static final Duration LEAF_VALIDITY = Duration.ofDays(30);
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final String pem;
  private final Clock clock;

  private SchoolCa(X509Certificate certificate, PrivateKey key, Clock clock) {
    this.certificate = certificate;
    this.key = key;
    this.clock = clock;
    this.pem = toPem(certificate);
  }

  /**
   * Loads the CA from {@code dir}, or creates it there when the directory holds neither file.
   *
   * @param nodeName goes into the CA's name: "webfilter school root CA {@code nodeName}"
   * @throws IllegalStateException when only one of the files exists, they do not belong together,
   *     or the key file is readable by others
   */
  static SchoolCa loadOrCreate(Path dir, String nodeName, Clock clock) {
    Path certFile = dir.resolve(CERT_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    try {
      boolean cert = Files.exists(certFile);
      boolean key = Files.exists(keyFile);
      if (cert && key) {
        return load(certFile, keyFile, clock);
      }
      if (cert || key) {
        throw new IllegalStateException(
            "proxy CA in " + dir + ": found " + (cert ? CERT_FILE : KEY_FILE) + " without "
                + (cert ? KEY_FILE : CERT_FILE)
                + " (expected: both, or neither to create a new CA)");
      }
      return create(dir, nodeName, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("proxy CA in " + dir + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("proxy CA in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static SchoolCa create(Path dir, String nodeName, Clock clock)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    Files.createDirectories(dir);
    KeyPair kp = newKeyPair();
    Instant now = clock.instant();
    X500Name name =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.CN, ("webfilter school root CA " + nodeName).trim())
            .addRDN(BCStyle.O, "webfilter")
            .build();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            serial(),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(CA_VALIDITY)),
            name,
            kp.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    b.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(
        Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
    X509Certificate cert = sign(b, kp.getPrivate());
    // the key first, created owner-only (never briefly readable by others), then the certificate
    writeAtomically(keyFile(dir), toPem(new JcaPKCS8Generator(kp.getPrivate(), null)), true);
    writeAtomically(dir.resolve(CERT_FILE), toPem(cert), false);
    LOG.info("created school CA '{}' in {}", cert.getSubjectX500Principal().getName(), dir);
    return new SchoolCa(cert, kp.getPrivate(), clock);
  }

  private static Path keyFile(Path dir) {
    return dir.resolve(KEY_FILE);
  }

  private static SchoolCa load(Path certFile, Path keyFile, Clock clock)
      throws IOException, GeneralSecurityException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(keyFile, PosixFileAttributeView.class);
    if (view != null) {
      Set<PosixFilePermission> perms = view.readAttributes().permissions();
      if (!OWNER_ONLY.containsAll(perms)) {
        throw new IllegalStateException(
            "proxy CA key " + keyFile + ": permissions " + PosixFilePermissions.toString(perms)
                + " (expected: rw------- , owner only; chmod 600)");
      }
    }
    X509Certificate cert;
    PrivateKey key;
    try (Reader r = Files.newBufferedReader(certFile, StandardCharsets.US_ASCII);
        PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      if (!(o instanceof X509CertificateHolder h)) {
        throw new IllegalStateException(certFile + ": no PEM certificate");
      }
      cert = new JcaX509CertificateConverter().getCertificate(h);
    }
    try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
        PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      JcaPEMKeyConverter c = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        key = c.getPrivateKey(info);
      } else if (o instanceof PEMKeyPair pair) {
        key = c.getKeyPair(pair).getPrivate();
      } else {
        throw new IllegalStateException(keyFile + ": no PEM private key");
      }
    }
    if (!belongTogether(key, cert.getPublicKey())) {
      throw new IllegalStateException(
          keyFile + " is not the key of " + certFile + " (expected: the pair created together)");
    }
    cert.checkValidity(Date.from(clock.instant()));
    return new SchoolCa(cert, key, clock);
  }

  private static boolean belongTogether(PrivateKey key, PublicKey pub)
      throws GeneralSecurityException {
    byte[] probe = "webfilter".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance(SIGNATURE);
    s.initSign(key);
    s.update(probe);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(SIGNATURE);
    v.initVerify(pub);
    v.update(probe);
    return v.verify(sig);
  }

  /** A new EC P-256 key pair (about a millisecond). */
  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 not available", e);
    }
  }

  X509Certificate certificate() {
    return certificate;
  }

  /** The certificate in PEM, as served at {@code /webfilter-ca.crt}. */
  String pem() {
    return pem;
  }

  /**
   * A server certificate for {@code host} (a DNS name, or an IP literal: then an IP address SAN),
   * signed by this CA, for {@code leafKey}. Takes a few milliseconds: never call it on an event
   * loop.
   */
  X509Certificate issue(String host, PublicKey leafKey) {
    Instant now = clock.instant();
    Instant notAfter = now.plus(LEAF_VALIDITY);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      notAfter = certificate.getNotAfter().toInstant();
    }
    boolean ip = Circumvention.isIpLiteral(host);
    GeneralName san;
    try {
      san =
          ip
              ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress())
              : new GeneralName(GeneralName.dNSName, host);
      // CN is limited to 64 characters; the SAN, which clients check, carries the whole name
      String cn = host.length() <= 64 ? host : host.substring(0, 64);
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              certificate,
              serial(),
              Date.from(now.minus(Duration.ofDays(1))),
              Date.from(notAfter),
              subject,
              leafKey);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return sign(b, key);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a certificate for " + host, e);
    }
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static String toPem(Object o) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** Writes through a temporary file in the same directory, so a crash leaves no half file. */
  private static void writeAtomically(Path file, String content, boolean ownerOnly)
      throws IOException {
    Path dir = file.getParent();
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
    Path tmp;
    if (ownerOnly && posix) {
      tmp =
          Files.createTempFile(
              dir, file.getFileName().toString(), ".tmp",
              PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } else {
      tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      if (ownerOnly) {
        java.io.File f = tmp.toFile();
        boolean ok =
            f.setReadable(false, false) && f.setReadable(true, true)
                && f.setWritable(false, false) && f.setWritable(true, true);
        if (!ok) {
          Files.deleteIfExists(tmp);
          throw new IOException("cannot make " + tmp + " readable by its owner only");
        }
      }
    }
    try {
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      if (!ownerOnly && posix) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
