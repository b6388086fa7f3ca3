package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
  @Test
  void jsonLinesRoundTripAndPairing(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("history.jsonl");
    History h = History.recording(file);
    Event w = h.append(Event.invoke("c0", "write", "x", "1", null, "n1", 10));
    h.append(Event.invoke("c1", "cas", "x", "2", null, "n2", 11));
    h.append(w.complete(Event.OK, null, null, 20));
    h.append(Event.invoke("nemesis", "kill", null, "kill -9 n3", null, null, 21));
    h.close();
    History back = History.read(file);
    assertEquals(h.events(), back.events());
    List<History.Operation> ops = back.operations();
    assertEquals(3, ops.size());
    assertEquals(20, ops.get(0).returnNs());
    assertNull(ops.get(1).completion());
    assertEquals(Long.MAX_VALUE, ops.get(1).returnNs());
    assertEquals(4, Files.readAllLines(file).size());
  }

  @Test
  void majorityRingCutsLeaveEveryNodeADifferentMajority() {
    List<String> ids = List.of("n1", "n2", "n3", "n4", "n5");
    List<List<String>> cuts = Nemesis.majorityRingCuts(ids, new java.util.Random(3));
    java.util.Set<java.util.Set<String>> views = new java.util.HashSet<>();
    for (String id : ids) {
      java.util.Set<String> hears = new java.util.TreeSet<>(ids);
      cuts.stream().filter(c -> c.get(1).equals(id)).forEach(c -> hears.remove(c.get(0)));
      assertEquals(3, hears.size(), id + " hears " + hears);
      views.add(hears);
    }
    assertEquals(5, views.size());
  }

  @Test
  void durations() {
    assertEquals(java.time.Duration.ofMinutes(30), CheckCommand.parseDuration("30m"));
    assertEquals(java.time.Duration.ofSeconds(45), CheckCommand.parseDuration("45"));
    assertEquals(java.time.Duration.ofHours(2), CheckCommand.parseDuration("2h"));
  }
}
