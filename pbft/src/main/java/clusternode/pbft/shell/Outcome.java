package clusternode.pbft.shell;

/**
 * The answer to one client request: a result, or why none can be given now. {@code overloaded}:
 * refused at once because too many requests wait on this node (nothing was sent; retry later).
 */
public record Outcome(boolean ok, byte[] result, String error, boolean overloaded) {
  public static Outcome success(byte[] result) {
    return new Outcome(true, result, null, false);
  }

  public static Outcome failure(String error) {
    return new Outcome(false, null, error, false);
  }

  public static Outcome overloaded(String error) {
    return new Outcome(false, null, error, true);
  }
}
