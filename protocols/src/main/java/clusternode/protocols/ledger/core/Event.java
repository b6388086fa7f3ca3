package clusternode.protocols.ledger.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What happened: the truth of the ledger; its state is the fold of these. Each event has a
 * sequence number {@code seq} (1, 2, 3, ... over the whole ledger), the log {@code index} of the
 * command that caused it (one command may cause several events) and the ledger time
 * {@code timeMs} at which it happened.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Event.AccountOpened.class, name = "AccountOpened"),
    @JsonSubTypes.Type(value = Event.Deposited.class, name = "Deposited"),
    @JsonSubTypes.Type(value = Event.Withdrawn.class, name = "Withdrawn"),
    @JsonSubTypes.Type(value = Event.TransferPosted.class, name = "TransferPosted"),
    @JsonSubTypes.Type(value = Event.TransferPending.class, name = "TransferPending"),
    @JsonSubTypes.Type(value = Event.PendingPosted.class, name = "PendingPosted"),
    @JsonSubTypes.Type(value = Event.PendingVoided.class, name = "PendingVoided"),
    @JsonSubTypes.Type(value = Event.PendingExpired.class, name = "PendingExpired")})
public sealed interface Event {
  long seq();

  long index();

  long timeMs();

  /** The accounts whose state this event changes, each once. */
  @JsonIgnore
  List<String> accounts();

  record AccountOpened(long seq, long index, long timeMs, String account, long limit) implements Event {
    public List<String> accounts() {
      return List.of(account);
    }
  }

  record Deposited(long seq, long index, long timeMs, String id, String account, long amount) implements Event {
    public List<String> accounts() {
      return List.of(account);
    }
  }

  record Withdrawn(long seq, long index, long timeMs, String id, String account, long amount) implements Event {
    public List<String> accounts() {
      return List.of(account);
    }
  }

  record TransferPosted(long seq, long index, long timeMs, String id, String from, String to, long amount)
      implements Event {
    public List<String> accounts() {
      return List.of(from, to);
    }
  }

  /** Reserves {@code amount} on {@code from}; {@code expiresAtMs == 0}: never expires. */
  record TransferPending(long seq, long index, long timeMs, String id, String from, String to, long amount,
      long expiresAtMs) implements Event {
    public List<String> accounts() {
      return List.of(from, to);
    }
  }

  /** Pending transfer {@code id} of {@code pendingAmount} was posted for {@code amount <= pendingAmount}. */
  record PendingPosted(long seq, long index, long timeMs, String id, String from, String to, long amount,
      long pendingAmount) implements Event {
    public List<String> accounts() {
      return List.of(from, to);
    }
  }

  record PendingVoided(long seq, long index, long timeMs, String id, String from, String to, long amount)
      implements Event {
    public List<String> accounts() {
      return List.of(from, to);
    }
  }

  record PendingExpired(long seq, long index, long timeMs, String id, String from, String to, long amount)
      implements Event {
    public List<String> accounts() {
      return List.of(from, to);
    }
  }
}
