package clusternode.protocols.kv.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Locks and elections as queues of keys with leases, as etcd's {@code concurrency} package does
 * on the client: a member is the key {@code _coord/KIND/NAME/LEASE} with that lease; the member
 * with the lowest create revision holds the lock (leads the election) and that revision is its
 * fencing token. A later member is always created at a later revision, so tokens only grow, and the
 * queue is fair (first come, first served). When a holder's lease expires its key is deleted in
 * the tick's command, and the next member holds from that revision on.
 */
final class Queues {
  private Queues() {}

  private static String invalidKind(String kind) {
    return "lock".equals(kind) || "election".equals(kind) ? null : "kind must be lock or election";
  }

  static Reply enqueue(KvCore core, KvCommand.Enqueue e) {
    String bad = invalidKind(e.kind());
    if (bad == null) {
      bad = Keys.invalidName(e.name());
    }
    if (bad == null && e.kind().equals("election")) {
      bad = Keys.invalidValue(e.value());
    }
    if (bad == null && e.kind().equals("lock") && e.value() != null) {
      bad = "a lock member carries no value";
    }
    if (bad == null && e.lease() <= 0) {
      bad = "a lease id is needed (POST /leases first)";
    }
    if (bad != null) {
      return Reply.error(Reply.BAD_REQUEST, bad);
    }
    String prefix = Keys.queuePrefix(e.kind(), e.name());
    String key = prefix + e.lease();
    Reply leaseProblem = core.leaseProblem(e.lease(), key);
    if (leaseProblem != null) {
      return leaseProblem;
    }
    if (core.get(key) == null) {
      if (members(core, prefix).size() >= core.limits().maxQueue()) {
        return Reply.error(Reply.TOO_MANY, "the queue of " + e.name() + " already has " + core.limits().maxQueue() + " members");
      }
      byte[] value = e.value() == null ? new byte[0] : e.value().getBytes(StandardCharsets.UTF_8);
      core.write(key, value, e.lease(), core.lastApplied, e.kind());
    }
    return position(core, new KvQuery.Position(e.kind(), e.name(), e.lease()));
  }

  static Reply dequeue(KvCore core, KvCommand.Dequeue d) {
    String bad = invalidKind(d.kind());
    if (bad == null) {
      bad = Keys.invalidName(d.name());
    }
    if (bad != null) {
      return Reply.error(Reply.BAD_REQUEST, bad);
    }
    if (!core.limits().leasesEnabled()) {
      return core.leasesOff();
    }
    String prefix = Keys.queuePrefix(d.kind(), d.name());
    KeyValue member = null;
    for (KeyValue kv : members(core, prefix)) {
      if (d.kind().equals("lock") ? kv.createRevision() == d.token() : kv.lease() == d.lease()) {
        member = kv;
      }
    }
    if (member == null) {
      return Reply.error(Reply.NOT_FOUND, d.kind().equals("lock")
          ? "no member of lock " + d.name() + " has fencing token " + d.token() + " (released or expired)"
          : "lease " + d.lease() + " is not campaigning in " + d.name());
    }
    core.remove(member.key(), core.lastApplied, d.kind().equals("lock") ? "lock-released" : "election-resigned");
    return Reply.ok(KvCore.object().put("released", true).put("revision", core.revision()));
  }

  /** The refusal of a guarded write, or null when {@code token} is the current holder's. */
  static Reply fence(KvCore core, String lock, long token) {
    String bad = Keys.invalidName(lock);
    if (bad != null || token <= 0) {
      return Reply.error(Reply.BAD_REQUEST, bad != null ? bad : "a fencing token is a positive integer");
    }
    KeyValue holder = holderOf(core, Keys.queuePrefix("lock", lock));
    if (holder != null && holder.createRevision() == token) {
      return null;
    }
    String why = holder == null ? "lock " + lock + " is not held now; token " + token + " is no longer valid"
        : holder.createRevision() > token ? "a newer fencing token " + holder.createRevision() + " of lock " + lock
            + " exists; token " + token + " is stale"
        : "token " + token + " was never issued by lock " + lock + " (its holder has " + holder.createRevision() + ")";
    return Reply.error(Reply.CONFLICT, why);
  }

  static List<KeyValue> members(KvCore core, String prefix) {
    return core.mvcc.live(prefix, Keys.prefixEnd(prefix));
  }

  static KeyValue holderOf(KvCore core, String prefix) {
    KeyValue holder = null;
    for (KeyValue kv : members(core, prefix)) {
      if (holder == null || kv.createRevision() < holder.createRevision()) {
        holder = kv;
      }
    }
    return holder;
  }

  static Reply holder(KvCore core, KvQuery.Holder h) {
    String bad = invalidKind(h.kind());
    if (bad == null) {
      bad = Keys.invalidName(h.name());
    }
    if (bad != null) {
      return Reply.error(Reply.BAD_REQUEST, bad);
    }
    KeyValue holder = holderOf(core, Keys.queuePrefix(h.kind(), h.name()));
    ObjectNode body = KvCore.object().put("held", holder != null);
    if (holder != null) {
      body.put("fencingToken", holder.createRevision()).put("lease", holder.lease()).put("revision", holder.createRevision())
          .put("key", holder.key()).put("value", new String(holder.value(), StandardCharsets.UTF_8));
    }
    return Reply.ok(body.put("storeRevision", core.revision()));
  }

  static Reply position(KvCore core, KvQuery.Position p) {
    String prefix = Keys.queuePrefix(p.kind(), p.name());
    KeyValue mine = core.get(prefix + p.lease());
    KeyValue holder = holderOf(core, prefix);
    ObjectNode body = KvCore.object().put("name", p.name()).put("lease", p.lease()).put("member", mine != null);
    if (mine != null) {
      boolean held = holder != null && holder.key().equals(mine.key());
      body.put("key", mine.key()).put("createRevision", mine.createRevision()).put("held", held);
      if (held) {
        body.put("fencingToken", mine.createRevision());
      }
    } else {
      body.put("held", false);
    }
    return Reply.ok(body.put("revision", core.revision()));
  }
}
