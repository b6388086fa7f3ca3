package clusternode.pbft.core;

import clusternode.protocols.CborSerializable;
import java.util.List;

/**
 * Every message of PBFT (Castro and Liskov, OSDI '99, with signatures as in §4 of the paper).
 * Each record carries its sender in {@code from} and a signature over {@link #signed()}, the
 * canonical bytes of everything else. Relayed messages (a primary's pre-prepare, checkpoint
 * proofs, view changes inside a new-view) stay verifiable because the signature is the sender's.
 */
public sealed interface PbftMessage extends CborSerializable {
  String from();

  byte[] signature();

  /** The canonical bytes the signature covers. */
  byte[] signed();

  /** A client's request; {@code from} is the client id {@code NODE/SESSION}, signed with the node's key. */
  record Request(String from, long timestamp, boolean readOnly, byte[] operation, byte[] signature)
      implements PbftMessage {
    @Override
    public byte[] signed() {
      return new Canon("request").str(from).num(timestamp).flag(readOnly).raw(operation).bytes();
    }

    /** What identifies the request in a batch digest (signatures are checked separately). */
    public String digest() {
      return Canon.sha256(signed());
    }

    public String key() {
      return from + "@" + timestamp;
    }
  }

  /**
   * The primary of {@code view} assigns {@code seq} to a batch of requests; {@code digest} is the
   * batch's with {@code nonce} (0 from a correct primary; it lets tests make an equivocating
   * primary's variants differ even for one request).
   */
  record PrePrepare(String from, long view, long seq, String digest, List<Request> batch, long nonce, byte[] signature)
      implements PbftMessage {
    @Override
    public byte[] signed() {
      return new Canon("pre-prepare").str(from).num(view).num(seq).str(digest).num(nonce).bytes();
    }
  }

  record Prepare(String from, long view, long seq, String digest, byte[] signature) implements PbftMessage {
    @Override
    public byte[] signed() {
      return new Canon("prepare").str(from).num(view).num(seq).str(digest).bytes();
    }
  }

  record Commit(String from, long view, long seq, String digest, byte[] signature) implements PbftMessage {
    @Override
    public byte[] signed() {
      return new Canon("commit").str(from).num(view).num(seq).str(digest).bytes();
    }
  }

  /** A replica's result for {@code client}'s request {@code timestamp}. */
  record Reply(String from, long view, String client, long timestamp, byte[] result, byte[] signature)
      implements PbftMessage {
    @Override
    public byte[] signed() {
      return new Canon("reply").str(from).num(view).str(client).num(timestamp).raw(result).bytes();
    }
  }

  /**
   * The results of one executed batch for the clients of one node, signed once: a replica signs
   * one of these per client node and batch instead of one {@link Reply} per request (signatures
   * were the largest CPU cost per request). Each entry counts for its client as a {@link Reply}.
   */
  record Replies(String from, long view, String node, List<Replies.Entry> entries, byte[] signature)
      implements PbftMessage {
    public record Entry(String client, long timestamp, byte[] result) {}

    @Override
    public byte[] signed() {
      Canon c = new Canon("replies").str(from).num(view).str(node).num(entries.size());
      for (Entry e : entries) {
        c.str(e.client()).num(e.timestamp()).raw(e.result());
      }
      return c.bytes();
    }
  }

  /** The digest of the state after executing {@code seq}. */
  record Checkpoint(String from, long seq, String digest, byte[] signature) implements PbftMessage {
    @Override
    public byte[] signed() {
      return new Canon("checkpoint").str(from).num(seq).str(digest).bytes();
    }
  }

  /** A prepared certificate: a pre-prepare and 2f matching prepares from distinct backups. Not sent alone. */
  record PreparedProof(PrePrepare prePrepare, List<Prepare> prepares) {
    void writeTo(Canon c) {
      c.raw(prePrepare.signed()).raw(prePrepare.signature()).num(prepares.size());
      for (Prepare p : prepares) {
        c.raw(p.signed()).raw(p.signature());
      }
    }
  }

  /** A replica's vote to move to {@code newView}, with its stable checkpoint's proof and its prepared certificates. */
  record ViewChange(String from, long newView, long stableSeq, List<Checkpoint> stableProof,
      List<PreparedProof> prepared, byte[] signature) implements PbftMessage {
    @Override
    public byte[] signed() {
      Canon c = new Canon("view-change").str(from).num(newView).num(stableSeq).num(stableProof.size());
      for (Checkpoint k : stableProof) {
        c.raw(k.signed()).raw(k.signature());
      }
      c.num(prepared.size());
      for (PreparedProof p : prepared) {
        p.writeTo(c);
      }
      return c.bytes();
    }
  }

  /**
   * Names one view change by its sender and the digest of its signed bytes. NEW-VIEW carries these
   * instead of the view changes themselves (as Castro and Liskov, TOCS 2002, §4.4): 2f+1 view
   * changes of up to L prepared certificates each would not fit one transport frame. Every replica
   * got the view changes from their senders; one that lacks some gets them relayed with the
   * new-view (see PbftCore's status handling).
   */
  record ViewChangeRef(String from, String digest) {}

  /** The new primary's proof that {@code view} begins: 2f+1 view changes (by reference) and the re-proposed pre-prepares. */
  record NewView(String from, long view, List<ViewChangeRef> viewChanges, List<PrePrepare> prePrepares,
      byte[] signature) implements PbftMessage {
    @Override
    public byte[] signed() {
      Canon c = new Canon("new-view").str(from).num(view).num(viewChanges.size());
      for (ViewChangeRef v : viewChanges) {
        c.str(v.from()).str(v.digest());
      }
      c.num(prePrepares.size());
      for (PrePrepare p : prePrepares) {
        c.raw(p.signed()).raw(p.signature());
      }
      return c.bytes();
    }
  }

  /** "This is where I am": peers answer with what the sender lacks (retransmission, as in Castro's thesis §5.2). */
  record Status(String from, long view, boolean active, long lastExecuted, long lowWater, byte[] signature)
      implements PbftMessage {
    @Override
    public byte[] signed() {
      return new Canon("status").str(from).num(view).flag(active).num(lastExecuted).num(lowWater).bytes();
    }
  }

  /** Asks for the requests of the batch with {@code digest} (view changes carry digests, not batches). */
  record FetchBatch(String from, String digest, byte[] signature) implements PbftMessage {
    @Override
    public byte[] signed() {
      return new Canon("fetch-batch").str(from).str(digest).bytes();
    }
  }

  /** The requests of a batch; the receiver checks them against the digest it agreed on. */
  record Batch(String from, String digest, long nonce, List<Request> batch, byte[] signature) implements PbftMessage {
    @Override
    public byte[] signed() {
      return new Canon("batch").str(from).str(digest).num(nonce).bytes();
    }
  }

  /** Asks for the state of the stable checkpoint at {@code seq}. */
  record FetchState(String from, long seq, long offset, byte[] signature) implements PbftMessage {
    @Override
    public byte[] signed() {
      return new Canon("fetch-state").str(from).num(seq).num(offset).bytes();
    }
  }

  /**
   * One chunk ({@code offset}, of {@code total} bytes) of the state at checkpoint {@code seq}; the
   * receiver checks the whole state's digest against 2f+1 checkpoint messages.
   */
  record StateTransfer(String from, long seq, long offset, long total, byte[] chunk, byte[] signature)
      implements PbftMessage {
    @Override
    public byte[] signed() {
      return new Canon("state").str(from).num(seq).num(offset).num(total).str(Canon.sha256(chunk)).bytes();
    }
  }
}
