package clusternode.node.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogRateTest {
  private static final long S = 1_000_000_000L;

  @Test
  void theFirstIsLoggedRepeatsWithinTheWindowAreCountedAndReportedWithTheNextLine() {
    LogRate rate = new LogRate(10, 2);
    assertEquals(0, rate.admit("a", 0));
    assertEquals(-1, rate.admit("a", 1 * S));
    assertEquals(-1, rate.admit("a", 9 * S));
    assertEquals(0, rate.admit("b", 9 * S), "another reason has its own window");
    assertEquals(2, rate.admit("a", 10 * S));
    assertEquals(-1, rate.admit("a", 11 * S));
  }

  @Test
  void onlyTheMostRecentReasonsAreRemembered() {
    LogRate rate = new LogRate(10, 2);
    rate.admit("a", 0);
    rate.admit("b", 0);
    rate.admit("c", 0);
    assertEquals(0, rate.admit("a", 1 * S), "a was forgotten, so it is logged again");
  }
}
