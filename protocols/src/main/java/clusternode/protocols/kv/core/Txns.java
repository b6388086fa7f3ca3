package clusternode.protocols.kv.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * etcd's Txn on the core: everything is checked before anything is written, so a refused txn
 * changes nothing; then the comparisons pick a branch and its ops run in order at one revision
 * (a get sees the puts before it in the same branch).
 */
final class Txns {
  private Txns() {}

  static Reply run(KvCore core, KvCommand.Txn t) {
    List<KvCommand.Compare> compares = t.compares() == null ? List.of() : t.compares();
    List<KvCommand.Op> success = t.success() == null ? List.of() : t.success();
    List<KvCommand.Op> failure = t.failure() == null ? List.of() : t.failure();
    int max = core.limits().maxTxnOps();
    if (compares.size() > max || success.size() > max || failure.size() > max) {
      return Reply.error(Reply.BAD_REQUEST, "a txn holds at most " + max + " comparisons and " + max + " ops per branch");
    }
    for (KvCommand.Compare c : compares) {
      String bad = Compares.invalidReason(c);
      if (bad != null) {
        return Reply.error(Reply.BAD_REQUEST, "if: " + bad);
      }
    }
    String bad = invalidBranch(success);
    if (bad == null) {
      bad = invalidBranch(failure);
    }
    if (bad != null) {
      return Reply.error(Reply.BAD_REQUEST, bad);
    }
    boolean succeeded = true;
    for (KvCommand.Compare c : compares) {
      succeeded &= Compares.holds(c, core.get(c.key()));
    }
    List<KvCommand.Op> ops = succeeded ? success : failure;
    for (KvCommand.Op op : ops) {
      if (op.put() != null) {
        Reply leaseProblem = core.leaseProblem(op.put().lease(), op.put().key());
        if (leaseProblem != null) {
          return leaseProblem;
        }
      }
    }
    ArrayNode results = KvCodec.MAPPER.createArrayNode();
    long rev = core.lastApplied;
    for (KvCommand.Op op : ops) {
      ObjectNode r = results.addObject();
      if (op.put() != null) {
        core.write(op.put().key(), op.put().value().getBytes(StandardCharsets.UTF_8), op.put().lease(), rev, "txn");
        r.put("op", "put").put("key", op.put().key()).put("revision", rev);
      } else if (op.delete() != null) {
        boolean deleted = core.remove(op.delete().key(), rev, "txn");
        r.put("op", "delete").put("key", op.delete().key()).put("deleted", deleted);
      } else {
        KeyValue kv = core.get(op.get().key());
        r.put("op", "get").put("key", op.get().key());
        if (kv == null) {
          r.putNull("kv");
        } else {
          r.set("kv", KvCore.view(kv));
        }
      }
    }
    ObjectNode body = KvCore.object().put("succeeded", succeeded).put("revision", core.revision());
    body.set("results", results);
    return Reply.ok(body);
  }

  /** Null when every op is well formed and no key is written twice (one version per key per revision). */
  private static String invalidBranch(List<KvCommand.Op> ops) {
    Set<String> written = new HashSet<>();
    for (KvCommand.Op op : ops) {
      if (op == null) {
        return "an op is null";
      }
      int given = (op.put() != null ? 1 : 0) + (op.delete() != null ? 1 : 0) + (op.get() != null ? 1 : 0);
      if (given != 1) {
        return "each op is exactly one of {put:{key, value, lease?}}, {delete:{key}}, {get:{key}}";
      }
      String key = op.put() != null ? op.put().key() : op.delete() != null ? op.delete().key() : op.get().key();
      String bad = op.get() != null ? Keys.invalidReason(key) : Keys.unwritableReason(key);
      if (bad == null && op.put() != null) {
        bad = Keys.invalidValue(op.put().value());
        if (bad == null && op.put().lease() < 0) {
          bad = "a lease id is positive";
        }
      }
      if (bad != null) {
        return bad;
      }
      if (op.get() == null && !written.add(key)) {
        return "key " + key + " is written twice in one branch";
      }
    }
    return null;
  }
}
