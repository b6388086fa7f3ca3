package clusternode.protocols.ledger.core;

import clusternode.protocols.statemachine.StrictJson;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The ledger's one JSON mapper: commands, results, queries and snapshots (see {@link StrictJson});
 * deterministic on writing, so a snapshot's bytes are a canonical encoding of the state.
 */
public final class LedgerCodec {
  public static final ObjectMapper MAPPER = StrictJson.mapper(1 << 20);

  private LedgerCodec() {}
}
