package clusternode.node.check;

import clusternode.node.ctl.NodeClient;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * One concurrent client of a check run: its process name in the history ({@code c<index>}), its
 * own connection and seeded choices. A workload says only which operation comes next; sending it
 * to a random node and recording invoke and completion is done here, the same for every workload.
 */
final class Client {
  private final String process;
  private final Nodes nodes;
  private final NodeClient http;
  private final History history;
  private final Random random;
  private long sequence;

  Client(int index, Nodes nodes, History history, Random random) {
    this.process = "c" + index;
    this.nodes = nodes;
    this.http = nodes.client();
    this.history = history;
    this.random = random;
  }

  /** Runs {@code steps} until the run ends, with a short random pause after each operation. */
  void loop(Workload.Steps steps, BooleanSupplier running) {
    while (running.getAsBoolean()) {
      steps.next();
      // 2-16 ms: clients interleave at the nodes instead of one flooding them in lockstep.
      Ops.sleep(2 + random.nextInt(15));
    }
  }

  /** Sends {@code op} to a random node and records it; returns the completion. */
  Event call(Op op, Ops.Classifier classifier) {
    return Ops.run(history, http, process, pick(nodes.peers()), op, classifier);
  }

  /** A value nobody else writes, so a read names the write it saw: {@code c<index>-<n>}. */
  String unique() {
    return process + "-" + sequence++;
  }

  /** This client's process name in the history, {@code c<index>}. */
  String process() {
    return process;
  }

  <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  Random random() {
    return random;
  }
}
