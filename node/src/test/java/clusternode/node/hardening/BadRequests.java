package clusternode.node.hardening;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded invalid HTTP requests against a one-node raft + ledger + gossip deployment. Every request
 * is invalid by construction (never a valid write that a business rule rejects, which would still
 * commit a log entry), so the node must answer each with a 4xx JSON error and change nothing.
 * {@link #generate} is a pure function of the seed: a failing seed replays exactly.
 */
final class BadRequests {
  /** One generated request; {@code kind} groups cases for the coverage check. */
  record Case(long seed, Kind kind, String description, byte[] raw) {}

  enum Kind {
    TRUNCATED_JSON, WRONG_TYPE, HUGE_NUMBER, DEEP_NESTING, UNKNOWN_FIELD, DUPLICATE_FIELD, TRAILING_GARBAGE,
    NOT_AN_OBJECT, GARBAGE_BYTES, INVALID_UTF8, OVERSIZED_BODY, KV_LIMITS, BAD_SESSION, UNKNOWN_ROUTE, WRONG_METHOD,
    WEIRD_PATH, HUGE_HEADERS, BAD_FRAMING, NO_TOKEN
  }

  private final int maxRequestBytes;
  private final int maxKvOpBytes;
  private final String token;

  BadRequests(int maxRequestBytes, int maxKvOpBytes, String token) {
    this.maxRequestBytes = maxRequestBytes;
    this.maxKvOpBytes = maxKvOpBytes;
    this.token = token;
  }

  // ---------------------------------------------------------------- JSON endpoints

  private static final List<String> BAD_ID = List.of("123", "true", "[]", "{}", "null", "\"\"", "\"has space\"",
      "\"" + "x".repeat(300) + "\"", "1e400", "\"a/b\"", "\"\\u0000\"");
  private static final List<String> BAD_AMOUNT = List.of("\"5\"", "1.5", "0", "-5", "true", "[]", "{}", "null", "1e400",
      "123456789012345678901234567890", "-9223372036854775809", "5e0", "9223372036854775808");
  private static final List<String> BAD_LIMIT = List.of("-1", "1.5", "\"5\"", "true", "[]", "{}", "1e400",
      "123456789012345678901234567890");
  private static final List<String> BAD_DELTA = List.of("\"5\"", "1.5", "true", "null", "[]", "{}",
      "123456789012345678901234567890", "-9223372036854775808", "1e3", "9223372036854775808");
  private static final List<String> BAD_TEXT = List.of("5", "true", "null", "[]", "{}", "\"" + "y".repeat(5000) + "\"");
  private static final List<String> BAD_NODE = List.of("5", "true", "[]", "{}", "\"n9\"", "\"n1\"", "null", "\"\"");

  /** A JSON endpoint: its fields in order, each with a valid value and values that are always wrong. */
  private record Endpoint(String method, String path, boolean admin, Map<String, String> valid,
      Map<String, List<String>> wrong) {
    String body(Map<String, String> fields) {
      StringBuilder b = new StringBuilder("{");
      fields.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
      return b.append('}').toString();
    }
  }

  private List<Endpoint> endpoints(long seed) {
    String n = Long.toString(seed, 36);
    List<Endpoint> all = new ArrayList<>();
    all.add(endpoint("POST", "/ledger/accounts", false, "id", "\"acct-" + n + "\"", BAD_ID, "limit", "0", BAD_LIMIT));
    for (String path : List.of("/ledger/deposits", "/ledger/withdrawals")) {
      all.add(endpoint("POST", path, false, "id", "\"m-" + n + "\"", BAD_ID, "account", "\"alice\"", BAD_ID,
          "amount", "5", BAD_AMOUNT));
    }
    all.add(endpoint("POST", "/ledger/transfers", false, "id", "\"t-" + n + "\"", BAD_ID, "from", "\"alice\"", BAD_ID,
        "to", "\"bob\"", BAD_ID, "amount", "5", BAD_AMOUNT));
    all.add(endpoint("POST", "/ledger/transfers/batch", false, "id", "\"b-" + n + "\"", BAD_ID, "items", "[]",
        List.of("\"x\"", "5", "{}", "null", "[1]", "[{}]", "[[]]")));
    all.add(endpoint("POST", "/ledger/transfers/p-" + n + "/post", false, "amount", "5",
        BAD_AMOUNT.stream().filter(v -> !v.equals("null")).toList()));
    all.add(endpoint("POST", "/kv/zz-" + n + "/cas", false, "expected", "null", List.of("5", "true", "[]", "{}"),
        "value", "\"v\"", List.of("5", "true", "null", "[]", "{}")));
    all.add(endpoint("POST", "/crdt/counters/c", false, "delta", "1", BAD_DELTA));
    all.add(endpoint("POST", "/crdt/sets/s", false, "add", "\"y\"", BAD_TEXT));
    all.add(endpoint("POST", "/crdt/registers/r", false, "value", "\"w\"", BAD_TEXT));
    all.add(endpoint("POST", "/admin/faults", true, "drop", "0.1",
        List.of("1.5", "-0.1", "\"x\"", "true", "[]", "{}", "1e400")));
    all.add(endpoint("POST", "/admin/raft/transfer-leader", true, "target", "\"n9\"", BAD_NODE));
    all.add(endpoint("POST", "/admin/raft/members", true, "add", "\"n9\"", BAD_NODE));
    return all;
  }

  /** {@code fieldsAndValues}: name, valid value, list of wrong values, repeated. */
  @SuppressWarnings("unchecked")
  private static Endpoint endpoint(String method, String path, boolean admin, Object... fieldsAndValues) {
    Map<String, String> valid = new LinkedHashMap<>();
    Map<String, List<String>> wrong = new LinkedHashMap<>();
    for (int i = 0; i < fieldsAndValues.length; i += 3) {
      valid.put((String) fieldsAndValues[i], (String) fieldsAndValues[i + 1]);
      wrong.put((String) fieldsAndValues[i], (List<String>) fieldsAndValues[i + 2]);
    }
    return new Endpoint(method, path, admin, valid, wrong);
  }

  // ---------------------------------------------------------------- generation

  Case generate(long seed) {
    Random r = new Random(seed);
    Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
    List<Endpoint> endpoints = endpoints(seed);
    Endpoint e = endpoints.get(r.nextInt(endpoints.size()));
    String field = pick(r, new ArrayList<>(e.valid().keySet()));
    Map<String, String> fields = new LinkedHashMap<>(e.valid());
    String valid = e.body(fields);
    return switch (kind) {
      case TRUNCATED_JSON -> {
        int cut = 1 + r.nextInt(valid.length() - 1);
        yield json(seed, kind, e, valid.substring(0, cut));
      }
      case WRONG_TYPE -> {
        fields.put(field, pick(r, e.wrong().get(field)));
        yield json(seed, kind, e, e.body(fields));
      }
      case HUGE_NUMBER -> {
        String digits = randomDigits(r, 33 + r.nextInt(2000));
        fields.put(field, switch (r.nextInt(4)) {
          case 0 -> digits;
          case 1 -> "-" + digits;
          case 2 -> "1e" + (400 + r.nextInt(100_000));
          default -> "0." + digits;
        });
        yield json(seed, kind, e, e.body(fields));
      }
      case DEEP_NESTING -> {
        int depth = 2 + r.nextInt(r.nextBoolean() ? 40 : 20_000);
        boolean arrays = r.nextBoolean();
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        fields.put(field, open.repeat(depth) + "1" + close.repeat(depth));
        yield json(seed, kind, e, e.body(fields));
      }
      case UNKNOWN_FIELD -> {
        fields.put("zz" + r.nextInt(100), pick(r, List.of("1", "\"x\"", "null", "{}", "[]")));
        yield json(seed, kind, e, e.body(fields));
      }
      case DUPLICATE_FIELD -> {
        String body = e.body(fields);
        String dup = ",\"" + field + "\":" + fields.get(field) + "}";
        yield json(seed, kind, e, body.substring(0, body.length() - 1) + dup);
      }
      case TRAILING_GARBAGE -> json(seed, kind, e, valid + pick(r, List.of(" x", "}", "{}", ",", " 1", "]", "\u0000")));
      case NOT_AN_OBJECT -> json(seed, kind, e, pick(r, List.of("[" + valid + "]", "\"" + valid.replace("\"", "'") + "\"",
          "5", "null", "true", "[]", "\"\"", "-0")));
      case GARBAGE_BYTES -> {
        byte[] junk = new byte[1 + r.nextInt(300)];
        r.nextBytes(junk);
        junk[0] = '#'; // never blank, never JSON
        yield jsonBytes(seed, kind, e, junk, "random bytes x" + junk.length);
      }
      case INVALID_UTF8 -> invalidUtf8(seed, r, e, fields, field);
      case OVERSIZED_BODY -> oversized(seed, r, e);
      case KV_LIMITS -> kvLimits(seed, r);
      case BAD_SESSION -> badSession(seed, r);
      case UNKNOWN_ROUTE -> unknownRoute(seed, r);
      case WRONG_METHOD -> wrongMethod(seed, r);
      case WEIRD_PATH -> weirdPath(seed, r);
      case HUGE_HEADERS -> hugeHeaders(seed, r, e, valid);
      case BAD_FRAMING -> badFraming(seed, r);
      case NO_TOKEN -> noToken(seed, r);
    };
  }

  private Case json(long seed, Kind kind, Endpoint e, String body) {
    return jsonBytes(seed, kind, e, body.getBytes(StandardCharsets.UTF_8), shorten(body));
  }

  private Case jsonBytes(long seed, Kind kind, Endpoint e, byte[] body, String what) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    if (e.admin()) {
      headers.put("Authorization", "Bearer " + token);
    }
    return new Case(seed, kind, e.method() + " " + e.path() + " " + what, RawHttp.request(e.method(), e.path(), headers, body));
  }

  private static final byte[][] BAD_UTF8 = {
      {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0x80},
      {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}};

  private Case invalidUtf8(long seed, Random r, Endpoint e, Map<String, String> fields, String field) {
    byte[] bad = BAD_UTF8[r.nextInt(BAD_UTF8.length)];
    String value = fields.get(field);
    String marker = "\u0001MARK\u0001";
    // Inside the field's string (or as a string where a number belongs), at a random place.
    String text = value.startsWith("\"") ? value.substring(1, value.length() - 1) : value;
    int at = r.nextInt(text.length() + 1);
    fields.put(field, "\"" + text.substring(0, at) + marker + text.substring(at) + "\"");
    String body = e.body(fields);
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    byte[] m = marker.getBytes(StandardCharsets.UTF_8);
    int pos = RawHttp.indexOf(b, m);
    if (pos < 0) {
      throw new IllegalStateException("marker not found");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, pos);
    out.writeBytes(bad);
    out.write(b, pos + m.length, b.length - pos - m.length);
    return jsonBytes(seed, Kind.INVALID_UTF8, e, out.toByteArray(), body.replace(marker, hex(bad)));
  }

  private Case oversized(long seed, Random r, Endpoint e) {
    int size = maxRequestBytes + 1 + r.nextInt(r.nextBoolean() ? 100 : 300_000);
    if (r.nextInt(3) == 0) {
      byte[] value = new byte[size];
      r.nextBytes(value);
      String path = "/kv/zz-" + Long.toString(seed, 36);
      return new Case(seed, Kind.OVERSIZED_BODY, "PUT " + path + " value of " + size + " bytes",
          RawHttp.request("PUT", path, Map.of(), value));
    }
    String body = "{\"" + e.valid().keySet().iterator().next() + "\":\"" + "x".repeat(size) + "\"}";
    return jsonBytes(seed, Kind.OVERSIZED_BODY, e, body.getBytes(StandardCharsets.UTF_8), "body of " + body.length() + " bytes");
  }

  private Case kvLimits(long seed, Random r) {
    String n = Long.toString(seed, 36);
    if (r.nextBoolean()) {
      int size = maxKvOpBytes + 1 + r.nextInt(maxRequestBytes - maxKvOpBytes - 1);
      byte[] value = new byte[size];
      r.nextBytes(value);
      return new Case(seed, Kind.KV_LIMITS, "PUT /kv/zz-" + n + " value of " + size + " bytes (over the op limit)",
          RawHttp.request("PUT", "/kv/zz-" + n, Map.of(), value));
    }
    // Keys over 1024 UTF-8 bytes, percent-encoded multi-byte characters included; URIs over 2k are 414.
    int chars = 1025 + r.nextInt(3000);
    String key = r.nextBoolean() ? "k".repeat(chars) : "%C3%A9".repeat(chars / 2 + 1);
    String method = pick(r, List.of("PUT", "GET", "DELETE"));
    return new Case(seed, Kind.KV_LIMITS, method + " /kv/<key of " + key.length() + " chars>",
        RawHttp.request(method, "/kv/" + key, Map.of(), method.equals("PUT") ? new byte[] {'v'} : null));
  }

  private Case badSession(long seed, Random r) {
    String path = "/kv/zz-" + Long.toString(seed, 36);
    Map<String, String> headers = new LinkedHashMap<>();
    switch (r.nextInt(3)) {
      case 0 -> {
        headers.put("X-Client-Id", "c" + r.nextInt(1000));
        String seq = pick(r, List.of("", "abc", "0", "-1", "99999999999999999999", "1.5", "0x10", " ", "+-1"));
        headers.put("X-Request-Seq", seq);
      }
      case 1 -> headers.put("X-Client-Id", "c" + r.nextInt(1000)); // a session without a sequence number
      default -> {
        headers.put("X-Client-Id", "x".repeat(129 + r.nextInt(400)));
        headers.put("X-Request-Seq", "1");
      }
    }
    String method = r.nextBoolean() ? "PUT" : "DELETE";
    return new Case(seed, Kind.BAD_SESSION, method + " " + path + " " + shorten(headers.toString()),
        RawHttp.request(method, path, headers, method.equals("PUT") ? new byte[] {'v'} : null));
  }

  private Case unknownRoute(long seed, Random r) {
    String prefix = pick(r, List.of("/nope", "/ledger/nope", "/crdt/nope/x", "/gossip/nope", "/kv/zz/nope",
        "/health/nope", "/admin/nope", "/ledger/accounts/x/nope", "/crdt/counters/c/d",
        "/ledger/transfers/x/nope", "/admin/raft/nope", "/metrics/x", "/cluster/x", "/ledger"));
    StringBuilder path = new StringBuilder(prefix);
    for (int i = r.nextInt(3); i > 0; i--) {
      path.append('/').append(randomSegment(r));
    }
    String method = pick(r, List.of("GET", "POST", "PUT", "DELETE", "PATCH"));
    Map<String, String> headers = r.nextBoolean() ? Map.of("Authorization", "Bearer " + token) : Map.of();
    byte[] body = method.equals("GET") || method.equals("DELETE") ? null : "{}".getBytes(StandardCharsets.UTF_8);
    return new Case(seed, Kind.UNKNOWN_ROUTE, method + " " + path, RawHttp.request(method, path.toString(), headers, body));
  }

  private Case wrongMethod(long seed, Random r) {
    String n = Long.toString(seed, 36);
    List<String[]> table = List.of(
        new String[] {"/health", "PUT"}, new String[] {"/health", "POST"}, new String[] {"/health", "DELETE"},
        new String[] {"/health/consensus", "POST"}, new String[] {"/metrics", "POST"}, new String[] {"/kv/zz-" + n, "POST"},
        new String[] {"/kv/zz-" + n, "PATCH"}, new String[] {"/kv/zz-" + n + "/cas", "GET"},
        new String[] {"/kv/zz-" + n + "/cas", "PUT"}, new String[] {"/ledger/accounts", "PUT"},
        new String[] {"/ledger/accounts", "GET"}, new String[] {"/ledger/deposits", "GET"},
        new String[] {"/ledger/withdrawals", "DELETE"}, new String[] {"/ledger/audit", "POST"},
        new String[] {"/ledger/transfers", "PUT"}, new String[] {"/crdt/counters/c", "PUT"},
        new String[] {"/crdt/sets/s", "DELETE"}, new String[] {"/gossip/members", "POST"},
        new String[] {"/health/peers", "PATCH"}, new String[] {"/kv/zz-" + n, "TRACE"},
        new String[] {"/kv/zz-" + n, "FOO"}, new String[] {"/ledger/deposits", "PROPFIND"},
        new String[] {"/kv/zz-" + n, "get"}, new String[] {"/crdt/counters/c", "POSTX"},
        new String[] {"/admin/faults", "PUT"}, new String[] {"/ledger/accounts/alice", "DELETE"});
    String[] pick = table.get(r.nextInt(table.size()));
    Map<String, String> headers = pick[0].startsWith("/admin") ? Map.of("Authorization", "Bearer " + token) : Map.of();
    boolean withBody = !pick[1].equals("GET") && !pick[1].equals("TRACE") && !pick[1].equals("get");
    return new Case(seed, Kind.WRONG_METHOD, pick[1] + " " + pick[0],
        RawHttp.request(pick[1], pick[0], headers, withBody ? "{\"delta\":1}".getBytes(StandardCharsets.UTF_8) : null));
  }

  private Case weirdPath(long seed, Random r) {
    String n = Long.toString(seed, 36);
    String base = pick(r, List.of("/kv/zz-" + n, "/ledger/accounts/", "/crdt/counters/", "/crdt/sets/", "/ledger/accounts/alice/history",
        "/ledger/accounts/alice", "/crdt/registers/r", "/kv/a", "/gossip/", "/ledger/transfers/"));
    String weird = pick(r, List.of("%", "%Z", "%zz", "%G1", "%C0%AF", "%FF%FE", "%00", "%2e%2e/%2e%2e/etc/passwd",
        "/../nope", "//", "\\\\", "%2F", "%20", "é", "%E2%82", "?%ZZ=1", "?consistency=%ZZ", "?consistency=bogus",
        "?asOf=xyz", "?asOf=99999999999999999999999", "?asOf=-1", "?limit=0", "?limit=99999999999", "?after=-1",
        "?after=abc", "?r=0", "?w=99", "?r=abc", "?zzz=1", "?consistency=local&consistency=x", "#frag", ";x=1",
        "%ZZ" + randomSegment(r)));
    String target = base + weird;
    // Reads of things that exist answer 200 unless a parameter they know is invalid: give them one.
    String invalidParam = switch (base) {
      case "/ledger/accounts/alice", "/kv/a" -> "?consistency=bogus";
      case "/ledger/accounts/alice/history" -> "?after=abc";
      case "/crdt/registers/r" -> "?r=0";
      default -> null;
    };
    if (invalidParam != null) {
      target = base + invalidParam + "&x=" + weird.replace("?", "");
    }
    byte[] raw = ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    return new Case(seed, Kind.WEIRD_PATH, "GET " + target, raw);
  }

  private Case hugeHeaders(long seed, Random r, Endpoint e, String valid) {
    Map<String, String> headers = new LinkedHashMap<>();
    String what;
    switch (r.nextInt(3)) {
      case 0 -> {
        int length = 9000 + r.nextInt(100_000);
        headers.put("X-Big", "v".repeat(length));
        what = "a header value of " + length + " chars";
      }
      case 1 -> {
        int count = 100 + r.nextInt(400);
        for (int i = 0; i < count; i++) {
          headers.put("X-H" + i, "v");
        }
        what = count + " headers";
      }
      default -> {
        int length = 100 + r.nextInt(10_000);
        headers.put("X-" + "n".repeat(length), "v");
        what = "a header name of " + length + " chars";
      }
    }
    if (e.admin()) {
      headers.put("Authorization", "Bearer " + token);
    }
    // A valid write carried by headers the server must refuse: nothing may be applied.
    String path = e.admin() ? "/crdt/counters/c" : e.path();
    String body = e.admin() ? "{\"delta\":1}" : valid;
    if (path.contains("/post")) {
      path = "/crdt/sets/s";
      body = "{\"add\":\"huge-" + seed + "\"}";
    }
    return new Case(seed, Kind.HUGE_HEADERS, "POST " + path + " with " + what,
        RawHttp.request("POST", path, headers, body.getBytes(StandardCharsets.UTF_8)));
  }

  private Case badFraming(long seed, Random r) {
    String delta = "{\"delta\":1}";
    List<String> raws = List.of(
        "GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
        "HELLO\r\n\r\n",
        "GET\r\n\r\n",
        "GET /health\r\n\r\n",
        "GET  /health HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /crdt/counters/c HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n" + delta,
        "POST /crdt/counters/c HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n" + delta,
        "POST /crdt/counters/c HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n" + delta,
        "POST /crdt/counters/c HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nContent-Length: 5\r\n\r\n" + delta,
        "POST /crdt/counters/c HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n"
            + delta + "\r\n0\r\n\r\n",
        "POST /crdt/counters/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + delta + "\r\n0\r\n\r\n",
        "POST /crdt/counters/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\nb\r\n" + delta + "\r\n0\r\n\r\n",
        "POST /crdt/counters/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + "ffffffffffffffffff\r\nx\r\n0\r\n\r\n",
        // Akka is lenient with some malformed header lines: on an unknown route they must still be a 4xx.
        "GET /nope HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n",
        "GET /nope HTTP/1.1\r\nHost: x\r\n: empty-name\r\n\r\n",
        "GET /hea\u0000lth HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /nope HTTP/1.1\r\nHost: x\r\nX-Bad\u0001: v\r\n\r\n");
    int i = r.nextInt(raws.size());
    String raw = raws.get(i);
    if (!raw.contains("Connection:")) {
      raw = raw.replaceFirst("\r\n", "\r\nConnection: close\r\n");
    }
    return new Case(seed, Kind.BAD_FRAMING, "raw #" + i + ": " + shorten(raw.replace("\r\n", "\\r\\n")),
        raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  private Case noToken(long seed, Random r) {
    String auth = pick(r, java.util.Arrays.asList(null, "Bearer wrong", "Basic YWRtaW46YWRtaW4=", "Bearer ",
        "Bearer " + token + "x", "Bearer " + token.substring(1), token, "Bearer  " + token.toUpperCase()));
    String[] req = pick(r, List.of(new String[] {"POST", "/admin/faults", "{\"drop\":0.5}"},
        new String[] {"DELETE", "/admin/faults", null}, new String[] {"GET", "/admin/faults", null},
        new String[] {"POST", "/admin/raft/transfer-leader", "{\"target\":\"n1\"}"},
        new String[] {"POST", "/admin/raft/members", "{\"add\":\"n2\"}"},
        new String[] {"DELETE", "/admin/raft/members/n1", null}, new String[] {"POST", "/admin/shutdown", null},
        new String[] {"POST", "/admin/cluster/faults", "{\"drop\":0.5}"}));
    Map<String, String> headers = auth == null ? Map.of() : Map.of("Authorization", auth);
    return new Case(seed, Kind.NO_TOKEN, req[0] + " " + req[1] + " Authorization: " + auth,
        RawHttp.request(req[0], req[1], headers, req[2] == null ? null : req[2].getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Sends {@code raw} and returns null when the answer is what every invalid request must get (a 4xx
   * with content-type application/json and the error shape {@code {"error": non-blank text, "status":
   * the HTTP status}}), else what is wrong with it.
   */
  static String refusalProblem(RawHttp http, byte[] raw) {
    RawHttp.Response r;
    try {
      r = http.send(raw);
    } catch (IOException e) {
      return "no answer: " + e;
    }
    String body = r.text();
    String shortBody = body.length() <= 300 ? body : body.substring(0, 300) + "...(" + body.length() + " chars)";
    if (r.status() < 400 || r.status() > 499) {
      return "status " + r.status() + ": " + shortBody;
    }
    String type = r.header("content-type");
    if (type == null || !type.startsWith("application/json")) {
      return "status " + r.status() + " with content-type " + type + ": " + shortBody;
    }
    try {
      JsonNode json = SingleNode.json(r);
      if (!json.path("error").isTextual() || json.path("error").asText().isBlank()
          || json.path("status").asInt() != r.status()) {
        return "status " + r.status() + " without the error shape: " + shortBody;
      }
    } catch (IOException e) {
      return "status " + r.status() + " with a body that is not JSON: " + shortBody;
    }
    return null;
  }

  // ---------------------------------------------------------------- helpers

  static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  private static String randomDigits(Random r, int n) {
    StringBuilder b = new StringBuilder().append((char) ('1' + r.nextInt(9)));
    for (int i = 1; i < n; i++) {
      b.append((char) ('0' + r.nextInt(10)));
    }
    return b.toString();
  }

  private static String randomSegment(Random r) {
    String alphabet = "abcxyz019-_.~%20";
    StringBuilder b = new StringBuilder();
    for (int i = 1 + r.nextInt(12); i > 0; i--) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString().replace("%", "%25");
  }

  static String shorten(String s) {
    return s.length() <= 160 ? s : s.substring(0, 120) + "...(" + s.length() + " chars)";
  }

  private static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder("<");
    for (byte x : bytes) {
      b.append(String.format("%02X", x & 0xff));
    }
    return b.append('>').toString();
  }
}
