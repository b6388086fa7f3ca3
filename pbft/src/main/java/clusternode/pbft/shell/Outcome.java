package clusternode.pbft.shell;

/** The answer to one client request: a result, or why none can be given now. */
public record Outcome(boolean ok, byte[] result, String error) {
  public static Outcome success(byte[] result) {
    return new Outcome(true, result, null);
  }

  public static Outcome failure(String error) {
    return new Outcome(false, null, error);
  }
}
