package clusternode.protocols.kv.core;

import clusternode.protocols.statemachine.StrictJson;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The coordination store's JSON mapper for commands, queries and replies (see {@link StrictJson}). */
public final class KvCodec {
  /** Strings up to 2 MiB: a value may be 1 MiB of bytes, and JSON escapes can double it. */
  public static final ObjectMapper MAPPER = StrictJson.mapper(2 << 20);

  private KvCodec() {}
}
