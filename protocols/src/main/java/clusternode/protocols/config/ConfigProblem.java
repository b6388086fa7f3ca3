package clusternode.protocols.config;

/**
 * A configuration error a user can fix: the key it concerns, what is wrong, and what to do. The
 * node prints {@link #line()} and exits with code 2; nobody should have to read a stack trace.
 */
public final class ConfigProblem extends RuntimeException {
  private final String key;
  private final String fix;

  public ConfigProblem(String key, String problem, String fix) {
    super(problem);
    this.key = key;
    this.fix = fix;
  }

  public String key() {
    return key;
  }

  public String fix() {
    return fix;
  }

  /** One line: {@code config error: KEY: PROBLEM; FIX}. */
  public String line() {
    return "config error: " + key + ": " + getMessage() + "; " + fix;
  }

  @Override
  public String toString() {
    return line();
  }
}
