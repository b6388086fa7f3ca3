package clusternode.protocols.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusternode.protocols.kv.core.KvCodec;
import clusternode.protocols.kv.core.KvCommand;
import clusternode.protocols.kv.core.KvLimits;
import clusternode.protocols.kv.core.KvQuery;
import clusternode.protocols.kv.core.Reply;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** A KV store driven through its encoded commands, one log index per command, invariants checked after each. */
final class CoordStoreFixture {
  final KvStore store;
  long index;

  CoordStoreFixture(KvLimits limits) {
    this.store = new KvStore(limits);
  }

  CoordStoreFixture() {
    this(KvLimits.defaults());
  }

  Reply run(KvCommand c) {
    Reply r = KvStore.decodeReply(store.apply(++index, KvStore.encode(c)));
    store.checkInvariants();
    return r;
  }

  /** A command given as the JSON the HTTP layer would send. */
  Reply runJson(String json) {
    byte[] body = ("J" + json).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Reply r = KvStore.decodeReply(store.apply(++index, body));
    store.checkInvariants();
    return r;
  }

  JsonNode ok(KvCommand c) {
    Reply r = run(c);
    assertEquals(200, r.status(), () -> "expected 200 for " + c + ", got " + r);
    return r.body();
  }

  Reply query(KvQuery q) {
    return KvStore.decodeReply(store.query(KvStore.encode(q)));
  }

  JsonNode range(String prefix) {
    Reply r = query(new KvQuery.Range(prefix, null, null, 0, 0));
    assertEquals(200, r.status(), () -> r.toString());
    return r.body();
  }

  static JsonNode json(String s) {
    try {
      return KvCodec.MAPPER.readTree(s);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  long lease(long ttlMs) {
    return ok(new KvCommand.LeaseGrant(ttlMs)).get("id").asLong();
  }

  Reply tick(String proposer, long nowMs) {
    return run(new KvCommand.Tick(proposer, nowMs, 100, 1_000));
  }
}
