package clusternode.node.dashboard;

import java.io.PrintStream;

/**
 * The demo's voice: numbered steps, what happened, the lesson, the figures, and expectations that
 * are counted when they fail. One class, so the Raft and PBFT tours narrate alike.
 */
final class Narrator implements PbftTour.Narration {
  private final PrintStream out;
  private int stepNumber;
  private int failures;

  Narrator(PrintStream out) {
    this.out = out;
  }

  /** A heading that is not a numbered step (start-up, shutdown). */
  void banner(String text) {
    out.println();
    out.println("== " + text);
  }

  @Override
  public void step(String title) {
    out.println();
    out.printf("== Step %d: %s%n", ++stepNumber, title);
  }

  @Override
  public void what(String format, Object... args) {
    out.println("  what happened: " + String.format(format, args));
  }

  @Override
  public void lesson(String text) {
    out.println("  lesson:        " + text);
  }

  @Override
  public void figure(String format, Object... args) {
    out.println("  figure:        " + String.format(format, args));
  }

  @Override
  public void expect(boolean held, String expectation) {
    out.printf("  %s %s%n", held ? "[ok]  " : "[FAIL]", expectation);
    failures += held ? 0 : 1;
  }

  int failures() {
    return failures;
  }
}
