package clusternode.protocols.ledger.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-account history ring against a plain deque: appends, drops from the front, binary searches. */
class TouchesTest {
  @Test
  void behavesLikeADequeAndSearchesByIndexTimeAndSeq() {
    Random random = new Random(7);
    Touches touches = new Touches();
    ArrayDeque<Touch> model = new ArrayDeque<>();
    long seq = 0;
    for (int step = 0; step < 20_000; step++) {
      if (random.nextInt(3) > 0 || model.isEmpty()) {
        seq += 1 + random.nextInt(3);
        long index = seq / 2;
        Touch t = new Touch(new Event.Deposited(seq, index, index * 10, "d", "a", 1), seq, 0, 0);
        touches.add(t);
        model.addLast(t);
      } else {
        assertEquals(model.removeFirst(), touches.removeFirst());
      }
      assertEquals(model.size(), touches.size());
      assertEquals(model.peekFirst(), touches.first());
      assertEquals(model.peekLast(), touches.last());
      if (!model.isEmpty() && step % 50 == 0) {
        long key = model.peekFirst().event().index() + random.nextInt(20) - 2;
        long expected = model.stream().filter(t -> t.event().index() <= key).count();
        assertEquals(expected, touches.countIndexAtMost(key));
        assertEquals(expected, touches.countTimeAtMost(key * 10));
        long seqKey = model.peekFirst().event().seq() + random.nextInt(40) - 2;
        assertEquals(model.stream().filter(t -> t.event().seq() <= seqKey).count(), touches.countSeqAtMost(seqKey));
      }
    }
    while (!model.isEmpty()) {
      assertEquals(model.removeFirst(), touches.removeFirst());
    }
    assertNull(touches.first());
  }
}
