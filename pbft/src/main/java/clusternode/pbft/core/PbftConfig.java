package clusternode.pbft.core;

import java.util.List;

/**
 * The core's settings, times in ticks.
 *
 * @param replicas the replica ids, in the order that picks the primary ({@code view mod n})
 * @param checkpointInterval K: a checkpoint every K sequence numbers
 * @param logWindow L: sequence numbers accepted above the stable checkpoint (high water mark - low)
 * @param viewChangeTimeoutTicks how long a backup waits for a pending request before suspecting the primary
 * @param maxBackoffExponent the view change timeout doubles per failed view change up to 2^this
 * @param statusTicks how often a replica with unfinished work asks peers for what it lacks
 * @param maxBatch requests per pre-prepare
 * @param clientSessions client sessions per node (client ids {@code NODE/0 .. NODE/(s-1)})
 * @param maxBatchBytes operation and signature bytes per pre-prepare (one request always fits), to stay under the transport's frame size
 * @param stateChunkBytes bytes per state transfer message
 * @param maxInFlightBatches pre-prepares a primary keeps proposed but not executed (by itself);
 *     requests arriving meanwhile wait and go out together in the next one. Bounds the pipeline so
 *     batches grow with load instead of the window filling with one-request batches.
 */
public record PbftConfig(List<String> replicas, int checkpointInterval, int logWindow, int viewChangeTimeoutTicks,
    int maxBackoffExponent, int statusTicks, int maxBatch, int clientSessions, int maxBatchBytes,
    int stateChunkBytes, int maxInFlightBatches) {
  /** Index stride per sequence number: request i of batch seq runs at index seq * STRIDE + i + 1. */
  public static final long INDEX_STRIDE = 1 << 16;

  /** Without a pipeline bound beyond the log window (as before issue 4). */
  public PbftConfig(List<String> replicas, int checkpointInterval, int logWindow, int viewChangeTimeoutTicks,
      int maxBackoffExponent, int statusTicks, int maxBatch, int clientSessions, int maxBatchBytes,
      int stateChunkBytes) {
    this(replicas, checkpointInterval, logWindow, viewChangeTimeoutTicks, maxBackoffExponent, statusTicks, maxBatch,
        clientSessions, maxBatchBytes, stateChunkBytes, logWindow);
  }

  public PbftConfig {
    replicas = List.copyOf(replicas);
    if (replicas.size() < 4) {
      throw new IllegalArgumentException("PBFT needs n >= 3f+1 with f >= 1: at least 4 replicas, got " + replicas.size());
    }
    if (replicas.stream().distinct().count() != replicas.size()) {
      throw new IllegalArgumentException("replica ids repeat: " + replicas);
    }
    if (checkpointInterval < 1 || logWindow < 2 * checkpointInterval || logWindow % checkpointInterval != 0) {
      throw new IllegalArgumentException("log window (" + logWindow + ") must be a multiple of the checkpoint interval ("
          + checkpointInterval + ") and at least twice it");
    }
    if (statusTicks < 1 || viewChangeTimeoutTicks <= 2 * statusTicks) {
      throw new IllegalArgumentException("the view change timeout (" + viewChangeTimeoutTicks
          + " ticks) must exceed twice the status interval (" + statusTicks + " ticks)");
    }
    if (maxBackoffExponent < 0 || maxBackoffExponent > 10) {
      throw new IllegalArgumentException("max backoff exponent must be in [0, 10], got " + maxBackoffExponent);
    }
    if (maxBatch < 1 || maxBatch >= INDEX_STRIDE) {
      throw new IllegalArgumentException("max batch must be in [1, " + (INDEX_STRIDE - 1) + "], got " + maxBatch);
    }
    if (maxBatchBytes < 1 || stateChunkBytes < 1) {
      throw new IllegalArgumentException("max batch bytes and state chunk bytes must be positive");
    }
    if (maxInFlightBatches < 1 || maxInFlightBatches > logWindow) {
      throw new IllegalArgumentException("max in-flight batches must be in [1, log window " + logWindow + "], got "
          + maxInFlightBatches);
    }
    if (clientSessions < 1 || clientSessions > 4096) {
      throw new IllegalArgumentException("client sessions must be in [1, 4096], got " + clientSessions);
    }
  }

  public int n() {
    return replicas.size();
  }

  /** The most faulty replicas tolerated: n >= 3f+1. */
  public int f() {
    return (replicas.size() - 1) / 3;
  }

  public String primary(long view) {
    return replicas.get((int) Math.floorMod(view, (long) replicas.size()));
  }

  /** The node a client id belongs to, or null when it is not {@code MEMBER/SESSION} with a valid session. */
  public String clientNode(String clientId) {
    int slash = clientId == null ? -1 : clientId.indexOf('/');
    if (slash < 1) {
      return null;
    }
    String node = clientId.substring(0, slash);
    try {
      int session = Integer.parseInt(clientId.substring(slash + 1));
      return replicas.contains(node) && session >= 0 && session < clientSessions ? node : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
