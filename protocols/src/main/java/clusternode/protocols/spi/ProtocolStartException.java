package clusternode.protocols.spi;

/**
 * A protocol cannot start for a reason the user can act on (corrupt data on disk, a file it
 * cannot write). The node prints the message as its one line and exits non-zero.
 */
public final class ProtocolStartException extends RuntimeException {
  public ProtocolStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
