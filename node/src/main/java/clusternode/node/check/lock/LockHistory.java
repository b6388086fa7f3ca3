package clusternode.node.check.lock;

import clusternode.node.check.Event;
import clusternode.node.check.History.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A lock run's history read back as the checker's facts. Pure: operations in, records out. */
public record LockHistory(List<Timed> acquires, List<Timed> writes, List<Timed> releases, Optional<Timed> finalAcquire,
    Optional<Operation> finalRead) {

  /**
   * One acquire, guarded write or release: its outcome, its real-time interval and its token.
   *
   * @param token the fencing token (an acquire's answer; what a write or release carried); 0 unknown
   * @param lease the lease (acquires); 0 otherwise
   * @param value the value written (writes)
   * @param returnNs {@link Long#MAX_VALUE} unless ok or fail
   */
  public record Timed(int op, String kind, String process, String outcome, long token, long lease, String value,
      long callNs, long returnNs) {
    boolean ok() {
      return outcome.equals(Event.OK);
    }

    String describe() {
      return String.format("%s %s%s token %d%s [%.3f s, %s] %s", process, kind, lease > 0 ? " (lease " + lease + ")"
          : "", token, value == null ? "" : " value " + value, callNs / 1e9,
          returnNs == Long.MAX_VALUE ? "never" : String.format("%.3f s", returnNs / 1e9), outcome);
    }
  }

  public static LockHistory of(List<Operation> ops) {
    List<Timed> acquires = new ArrayList<>();
    List<Timed> writes = new ArrayList<>();
    List<Timed> releases = new ArrayList<>();
    Timed finalAcquire = null;
    Operation finalRead = null;
    for (Operation op : ops) {
      Event in = op.invoke();
      boolean fin = in.process().equals(LockOps.FINAL);
      switch (in.f()) {
        case LockOps.ACQUIRE -> {
          Timed t = new Timed(op.id(), in.f(), in.process(), op.type(),
              op.type().equals(Event.OK) ? parse(op.result()) : 0, parse(in.value()), null, op.callNs(), op.returnNs());
          acquires.add(t);
          if (fin) {
            finalAcquire = t;
          }
        }
        case LockOps.WRITE -> writes.add(new Timed(op.id(), in.f(), in.process(), op.type(), parse(in.expected()), 0,
            in.value() == null ? "" : in.value(), op.callNs(), op.returnNs()));
        case LockOps.RELEASE -> releases.add(new Timed(op.id(), in.f(), in.process(), op.type(), parse(in.value()), 0,
            null, op.callNs(), op.returnNs()));
        case LockOps.READ -> {
          if (fin && op.type().equals(Event.OK)) {
            finalRead = op;
          }
        }
        default -> {
          // leases and keepalives are context for the report; the checker needs tokens only
        }
      }
    }
    return new LockHistory(acquires, writes, releases, Optional.ofNullable(finalAcquire),
        Optional.ofNullable(finalRead));
  }

  private static long parse(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
