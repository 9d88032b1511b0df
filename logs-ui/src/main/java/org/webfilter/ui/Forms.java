package org.webfilter.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the fields of a state-changing request the same way whether a browser form ({@code
 * application/x-www-form-urlencoded}) or a script ({@code application/json}) sent them, with a size
 * limit on every field.
 */
final class Forms {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_BODY = 64 * 1024;

  private final Context ctx;
  private final JsonNode json;

  private Forms(Context ctx, JsonNode json) {
    this.ctx = ctx;
    this.json = json;
  }

  static Forms of(Context ctx) {
    long length = ctx.contentLength();
    if (length > MAX_BODY) {
      throw new HttpError(413, "request body too large (at most " + MAX_BODY + " bytes)");
    }
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (type.startsWith("application/json")) {
      try {
        JsonNode n = JSON.readTree(ctx.bodyAsBytes());
        if (n == null || !n.isObject()) {
          throw new HttpError(400, "expected a JSON object");
        }
        return new Forms(ctx, n);
      } catch (IOException e) {
        throw new HttpError(400, "body is not valid JSON");
      }
    }
    return new Forms(ctx, null);
  }

  boolean isJson() {
    return json != null;
  }

  /** The field, trimmed; null when absent or blank. */
  String get(String name, int maxLength) {
    String v;
    if (json != null) {
      JsonNode n = json.get(name);
      v = n == null || n.isNull() ? null : n.isValueNode() ? n.asText() : null;
      if (n != null && !n.isNull() && !n.isValueNode()) {
        throw HttpError.badRequest(name, "expected a single value");
      }
    } else {
      v = ctx.formParam(name);
    }
    if (v == null || v.isBlank()) {
      return null;
    }
    v = v.strip();
    if (v.length() > maxLength) {
      throw HttpError.badRequest(name, "too long (at most " + maxLength + " characters)");
    }
    return v;
  }

  String required(String name, int maxLength) {
    String v = get(name, maxLength);
    if (v == null) {
      throw HttpError.badRequest(name, "required");
    }
    return v;
  }

  /** A list field: a JSON array, or a repeated form field. */
  List<String> list(String name, int maxItems, int maxLength) {
    List<String> out = new ArrayList<>();
    if (json != null) {
      JsonNode n = json.get(name);
      if (n == null || n.isNull()) {
        return out;
      }
      if (!n.isArray()) {
        throw HttpError.badRequest(name, "expected a list");
      }
      n.forEach(x -> out.add(x.asText()));
    } else {
      out.addAll(ctx.formParams(name));
    }
    if (out.size() > maxItems) {
      throw HttpError.badRequest(name, "too many values (at most " + maxItems + ")");
    }
    for (String s : out) {
      if (s.length() > maxLength) {
        throw HttpError.badRequest(name, "a value is too long (at most " + maxLength + " characters)");
      }
    }
    return out;
  }

  /**
   * An optional expiry: {@code expires} (ISO-8601 time or date) or {@code days} (1-365); must be in the
   * future.
   */
  Instant expiry(Instant now) {
    String days = get("days", 8);
    String at = get("expires", 64);
    if (days != null && at != null) {
      throw HttpError.badRequest("expires", "give either expires or days, not both");
    }
    if (days != null) {
      int d;
      try {
        d = Integer.parseInt(days);
      } catch (NumberFormatException e) {
        d = -1;
      }
      if (d == 0) {
        return null;
      }
      if (d < 1 || d > 365) {
        throw HttpError.badRequest("days", "'" + days + "' (expected a number from 1 to 365, or 0 for no limit)");
      }
      return now.plus(Duration.ofDays(d));
    }
    if (at == null) {
      return null;
    }
    Instant t = QueryParams.instant("expires", at);
    if (!t.isAfter(now)) {
      throw HttpError.badRequest("expires", at + " is not in the future");
    }
    return t;
  }
}
