package clusternode.protocols.ledger.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * What a client asks the ledger to do. Every command but {@link Tick} carries a client-chosen
 * {@code id}, its idempotency key: a repeated key returns the first result and applies nothing.
 * {@code timeMs} is the proposer's wall clock, stamped by whoever proposed the command (the HTTP
 * route); the ledger never reads a clock. Keys live in separate spaces per kind ({@link #key()}):
 * an account id, a transfer id (deposits, withdrawals and transfers share one space), the post and
 * the void of a pending transfer, and a batch id.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Command.OpenAccount.class, name = "open"),
    @JsonSubTypes.Type(value = Command.Deposit.class, name = "deposit"),
    @JsonSubTypes.Type(value = Command.Withdraw.class, name = "withdraw"),
    @JsonSubTypes.Type(value = Command.Transfer.class, name = "transfer"),
    @JsonSubTypes.Type(value = Command.PostPending.class, name = "post"),
    @JsonSubTypes.Type(value = Command.VoidPending.class, name = "void"),
    @JsonSubTypes.Type(value = Command.Batch.class, name = "batch"),
    @JsonSubTypes.Type(value = Command.Tick.class, name = "tick")})
public sealed interface Command {
  /** The client's id; null only for {@link Tick}. */
  String id();

  /** The proposer's wall clock in ms since the epoch; 0 when not stamped. */
  long timeMs();

  /** The space of ids this command's id is unique in: account, transfer, post, void or batch; null for a tick. */
  @JsonIgnore
  String space();

  /** The idempotency key, {@code space/id}; null for {@link Tick}. */
  @JsonIgnore
  default String key() {
    return space() == null ? null : space() + "/" + id();
  }

  /** The type name, as in JSON. */
  @JsonIgnore
  String type();

  /** Opens account {@code id}; {@code limit} is how far below zero its available balance may go (0: not at all). */
  record OpenAccount(String id, long limit, long timeMs) implements Command {
    public String space() {
      return "account";
    }

    public String type() {
      return "open";
    }
  }

  /** Money enters the ledger from outside: credits {@code account}. */
  record Deposit(String id, String account, long amount, long timeMs) implements Command {
    public String space() {
      return "transfer";
    }

    public String type() {
      return "deposit";
    }
  }

  /** Money leaves the ledger: debits {@code account}. */
  record Withdraw(String id, String account, long amount, long timeMs) implements Command {
    public String space() {
      return "transfer";
    }

    public String type() {
      return "withdraw";
    }
  }

  /**
   * Moves {@code amount} from {@code from} to {@code to}. With {@code pending} it only reserves
   * the amount on {@code from} (two-phase) until posted, voided or, when {@code timeoutMs > 0},
   * expired at {@code timeMs + timeoutMs} of ledger time.
   */
  record Transfer(String id, String from, String to, long amount, boolean pending, long timeoutMs, long timeMs)
      implements Command {
    public String space() {
      return "transfer";
    }

    public String type() {
      return "transfer";
    }
  }

  /** Posts pending transfer {@code id}: all of it when {@code amount == 0}, else that smaller amount. */
  record PostPending(String id, long amount, long timeMs) implements Command {
    public String space() {
      return "post";
    }

    public String type() {
      return "post";
    }
  }

  /** Voids pending transfer {@code id}: releases what it reserved. */
  record VoidPending(String id, long timeMs) implements Command {
    public String space() {
      return "void";
    }

    public String type() {
      return "void";
    }
  }

  /**
   * Linked commands: all succeed or none is applied. Items may be any command but a batch or a
   * tick; each keeps its own id, recorded only when the batch succeeds. The batch's own id is the
   * key of the whole.
   */
  record Batch(String id, List<Command> items, long timeMs) implements Command {
    public Batch {
      items = items == null ? null : List.copyOf(items);
    }

    public String space() {
      return "batch";
    }

    public String type() {
      return "batch";
    }
  }

  /** Advances ledger time to {@code timeMs} and expires the pending transfers that are due. */
  record Tick(long timeMs) implements Command {
    public String id() {
      return null;
    }

    public String space() {
      return null;
    }

    public String type() {
      return "tick";
    }
  }
}
