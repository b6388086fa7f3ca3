package clusternode.protocols.kv.http;

import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import clusternode.protocols.kv.core.KvCodec;
import clusternode.protocols.kv.core.KvCommand;
import clusternode.protocols.kv.core.KvQuery;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code GET /kv?prefix=&from=&to=&limit=&revision=&consistency=}, {@code POST /kv/txn}, and the
 * put that needs the JSON command form ({@code PUT /kv/{key}?lease=ID}, or with
 * {@code X-Fencing-Lock}/{@code X-Fencing-Token}: a guarded write decided inside the state machine).
 */
public final class RangeTxnRoutes extends AllDirectives {
  private final KvCalls calls;

  public RangeTxnRoutes(KvCalls calls) {
    this.calls = calls;
  }

  /** GET /kv with range parameters. */
  public Route range() {
    return parameterOptional("prefix", prefix -> parameterOptional("from", from -> parameterOptional("to", to ->
        parameterOptional("limit", limit -> parameterOptional("revision", revision ->
            parameterOptional("consistency", consistency -> range(prefix, from, to, limit, revision, consistency)))))));
  }

  private Route range(Optional<String> prefix, Optional<String> from, Optional<String> to, Optional<String> limit,
      Optional<String> revision, Optional<String> consistency) {
    long n = number(limit);
    long rev = number(revision);
    if (n < 0 || n > Integer.MAX_VALUE || rev < 0) {
      return complete(KvCalls.badRequest("limit and revision are non-negative integers"));
    }
    if (prefix.isEmpty() && from.isEmpty()) {
      return complete(KvCalls.badRequest("give ?prefix=P (empty for every key) or ?from=K[&to=K]"));
    }
    ReadConsistency level = consistency.isEmpty() || consistency.get().equals("linearizable") ? ReadConsistency.LINEARIZABLE
        : consistency.get().equals("local") ? ReadConsistency.LOCAL : null;
    if (level == null) {
      return complete(KvCalls.badRequest("consistency must be linearizable or local"));
    }
    KvQuery.Range q = new KvQuery.Range(prefix.orElse(null), from.orElse(null), to.orElse(null), (int) n, rev);
    return completeWithFuture(KvCalls.rendered(calls.query(q, level)));
  }

  /** An absent number is 0; a malformed one -1. */
  private static long number(Optional<String> s) {
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(s.get());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** POST /kv/txn {if, then, else}. */
  public Route txn() {
    return entity(Unmarshaller.entityToByteArray(), body -> {
      ObjectNode json = KvCalls.object(body);
      if (json == null || json.has("type")) {
        return complete(KvCalls.badRequest("expected {\"if\": [COMPARE...], \"then\": [OP...], \"else\": [OP...]}"));
      }
      KvCommand command;
      try {
        json.put("type", "txn");
        command = KvCodec.MAPPER.treeToValue(json, KvCommand.class);
      } catch (Exception e) {
        return complete(KvCalls.badRequest("malformed txn: " + firstLine(e.getMessage())
            + "; COMPARE = {key, target: value|version|createRevision|modRevision|exists, op: =|!=|<|>, value},"
            + " OP = {put:{key, value, lease?}} | {delete:{key}} | {get:{key}}"));
      }
      return completeWithFuture(KvCalls.rendered(calls.command(command)));
    });
  }

  /** PUT /kv/{key} that carries a lease or a fencing token. */
  public Route put(String key, byte[] value, Optional<String> lease, Optional<String> lock, Optional<String> token) {
    if (lock.isPresent() != token.isPresent()) {
      return complete(KvCalls.badRequest("a guarded write names both X-Fencing-Lock and X-Fencing-Token"));
    }
    long leaseId = number(lease);
    long tokenValue = number(token);
    if (leaseId < 0 || tokenValue < 0 || (lease.isPresent() && leaseId == 0) || (token.isPresent() && tokenValue == 0)) {
      return complete(KvCalls.badRequest("?lease and X-Fencing-Token are positive integers"));
    }
    if (leaseId != 0 && !calls.leasesOn()) {
      return complete(KvCalls.notHere("leases"));
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return complete(KvCalls.badRequest("a leased or guarded value must be UTF-8 text"));
    }
    KvCommand.Put put = new KvCommand.Put(key, text, leaseId, lock.orElse(null), tokenValue);
    return completeWithFuture(KvCalls.rendered(calls.command(put)));
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "unreadable";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
