package org.webfilter.categoriser;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns text (and phrases, the same way) into a run of words for phrase matching: {@code " w1 w2 w3 "},
 * with a space before and after every word so a phrase only ever matches whole words.
 *
 * <ul>
 *   <li>lower case; diacritics removed ({@code é} → {@code e});
 *   <li>a word is a run of letters and digits; in a word that has a letter, l33t characters are read as
 *       letters ({@code 0→o 1→i 3→e 4→a 5→s 7→t @→a $→s}), so {@code pr0n} is {@code pron} but
 *       {@code 2257} stays a number;
 *   <li>repeated letters collapse to one ({@code seeexxx} → {@code sex}; {@code essex} → {@code esex},
 *       which is why phrases are normalised the same way);
 *   <li>three or more one-letter words in a row are joined ({@code s.e.x}, {@code s-e-x}, {@code s e x}
 *       → {@code sex}).
 * </ul>
 */
final class TextNormaliser {

  private TextNormaliser() {}

  static String normalise(String text) {
    List<String> words = words(text);
    StringBuilder sb = new StringBuilder(text.length() + 2).append(' ');
    int i = 0;
    while (i < words.size()) {
      int j = i;
      while (j < words.size() && words.get(j).length() == 1 && Character.isLetter(words.get(j).charAt(0))) {
        j++;
      }
      if (j - i >= 3) {
        StringBuilder joined = new StringBuilder();
        for (int k = i; k < j; k++) {
          joined.append(words.get(k));
        }
        sb.append(collapse(joined.toString())).append(' ');
        i = j;
      } else {
        sb.append(words.get(i)).append(' ');
        i++;
      }
    }
    return sb.toString();
  }

  /** Words after case folding, diacritic removal, l33t reading and collapsing of repeated letters. */
  private static List<String> words(String text) {
    // NFD leaves ASCII as it is: skip the normaliser for the common case of an ASCII URL or search
    String folded = (isAscii(text) ? text : Normalizer.normalize(text, Normalizer.Form.NFD)).toLowerCase(Locale.ROOT);
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean hasLetter = false;
    for (int i = 0; i <= folded.length(); i++) {
      char c = i < folded.length() ? folded.charAt(i) : ' ';
      if (Character.getType(c) == Character.NON_SPACING_MARK) {
        continue;
      }
      if (Character.isLetterOrDigit(c) || c == '@' || c == '$') {
        word.append(c);
        hasLetter |= Character.isLetter(c);
      } else if (word.length() > 0) {
        words.add(finish(word, hasLetter));
        word.setLength(0);
        hasLetter = false;
      }
    }
    return words;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static String finish(StringBuilder word, boolean hasLetter) {
    if (hasLetter) {
      for (int i = 0; i < word.length(); i++) {
        char l = leet(word.charAt(i));
        if (l != 0) {
          word.setCharAt(i, l);
        }
      }
    }
    return collapse(word.toString());
  }

  private static char leet(char c) {
    return switch (c) {
      case '0' -> 'o';
      case '1' -> 'i';
      case '3' -> 'e';
      case '4' -> 'a';
      case '5', '$' -> 's';
      case '7' -> 't';
      case '@' -> 'a';
      default -> 0;
    };
  }

  private static String collapse(String w) {
    StringBuilder sb = new StringBuilder(w.length());
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (i == 0 || c != w.charAt(i - 1) || !Character.isLetter(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
