package clusternode.protocols.ledger;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import clusternode.protocols.http.Json;
import clusternode.protocols.ledger.core.Command;
import clusternode.protocols.ledger.core.Ledger;
import clusternode.protocols.ledger.core.LedgerCodec;
import clusternode.protocols.ledger.core.Query;
import clusternode.protocols.ledger.core.Reasons;
import clusternode.protocols.ledger.core.Result;
import clusternode.protocols.statemachine.Replicated;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import clusternode.protocols.statemachine.Overloaded;
import clusternode.protocols.statemachine.Unavailable;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The ledger's HTTP API (DESIGN.md, "Contract: HTTP API"). Commands are checked here (400 with
 * the JSON error shape and nothing sent on when malformed), stamped with this node's wall clock,
 * and ordered through the ordering protocol; reads are linearizable unless
 * {@code ?consistency=local}.
 *
 * <pre>
 * POST /ledger/accounts               {id, limit?}                          201 | 200 repeat | 409
 * POST /ledger/deposits               {id, account, amount}                 201 | 200 | 409
 * POST /ledger/withdrawals            {id, account, amount}                 201 | 200 | 409
 * POST /ledger/transfers              {id, from, to, amount, pending?, timeoutMs?, linked?: [transfer...]}
 * POST /ledger/transfers/batch        {id, items: [command...]}             linked: all or none
 * POST /ledger/transfers/{id}/post    {amount?}                             201 | 200 | 404 | 409
 * POST /ledger/transfers/{id}/void                                          201 | 200 | 404 | 409
 * GET  /ledger/accounts/{id}?asOf=INDEX|ISO-8601&amp;consistency=local  {id, balance, pending, available, ...}
 * GET  /ledger/accounts/{id}/history?after=SEQ&amp;limit=N&amp;asOf=INDEX|ISO-8601   {id, events, next, truncated}
 * GET  /ledger/audit                  {ok, totalBalance, deposits, withdrawals, accounts, pendingTotal, ...}
 * </pre>
 *
 * Command results: 201 applied now; 200 a repeat of an applied command ({@code duplicate: true});
 * 409 a business rejection or an id reused with a different body, 404 post/void of an unknown
 * transfer, both as {@code {error, status, reason, result}}; 400 malformed input; 404 unknown
 * account (reads); 410 history no longer retained; 429 too many requests in flight on this node
 * (nothing proposed); 503 no safe answer now (no quorum): the outcome of a command that got 503 is
 * unknown, retry with the same id.
 */
public final class LedgerRoutes extends AllDirectives {
  public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
  private static final String ID_RULE =
      "1-" + Ledger.MAX_ID_CHARS + " characters of A-Z a-z 0-9 . _ : -";

  private final Replicated ordering;
  private final LongSupplier clockMs;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();

  public LedgerRoutes(Replicated ordering) {
    this(ordering, System::currentTimeMillis, DEFAULT_MAX_IN_FLIGHT);
  }

  /**
   * @param clockMs the proposer's wall clock, stamped into every command
   * @param maxInFlight requests waiting for the ordering protocol at once; more get 503
   */
  public LedgerRoutes(Replicated ordering, LongSupplier clockMs, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1");
    }
    this.ordering = ordering;
    this.clockMs = clockMs;
    this.maxInFlight = maxInFlight;
  }

  // ---------------------------------------------------------------- request bodies

  record OpenRequest(String id, Long limit) {}

  record MoneyRequest(String id, String account, Long amount) {}

  record TransferRequest(String id, String from, String to, Long amount, Boolean pending, Long timeoutMs,
      List<TransferRequest> linked) {}

  record PostRequest(Long amount) {}

  record BatchRequest(String id, List<Command> items) {}

  /** Malformed input: answered 400, nothing is proposed. */
  private static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  public Route route() {
    return pathPrefix("ledger", () -> concat(
        pathPrefix("accounts", () -> concat(
            pathEnd(() -> post(() -> body(OpenRequest.class, this::open))),
            pathPrefix(PathMatchers.segment(), id -> concat(
                pathEnd(() -> get(() -> parameterOptional("asOf", asOf ->
                    parameterOptional("consistency", c -> read(c, () -> balanceQuery(id, asOf)))))),
                path("history", () -> get(() -> parameterOptional("after", after ->
                    parameterOptional("limit", limit -> parameterOptional("asOf", asOf ->
                        parameterOptional("consistency", c -> read(c, () -> historyQuery(id, after, limit, asOf)))))))))))),
        path("deposits", () -> post(() -> body(MoneyRequest.class, r -> deposit(r, true)))),
        path("withdrawals", () -> post(() -> body(MoneyRequest.class, r -> deposit(r, false)))),
        pathPrefix("transfers", () -> concat(
            pathEnd(() -> post(() -> body(TransferRequest.class, this::transfer))),
            path("batch", () -> post(() -> body(BatchRequest.class, this::batch))),
            pathPrefix(PathMatchers.segment(), id -> concat(
                path("post", () -> post(() -> optionalBody(PostRequest.class, r -> postPending(id, r)))),
                path("void", () -> post(() -> optionalBody(Void.class, r -> voidPending(id)))))))),
        path("audit", () -> get(() -> parameterOptional("consistency", c -> read(c, Query.Audit::new))))));
  }

  // ---------------------------------------------------------------- commands

  private Command open(OpenRequest r) {
    long limit = r.limit() == null ? 0 : r.limit();
    if (limit < 0) {
      throw new BadRequest("limit is how far below zero the balance may go: 0 or more");
    }
    return new Command.OpenAccount(id("id", r.id()), limit, clockMs.getAsLong());
  }

  private Command deposit(MoneyRequest r, boolean deposit) {
    String id = id("id", r.id());
    String account = id("account", r.account());
    long amount = amount(r.amount());
    long now = clockMs.getAsLong();
    return deposit ? new Command.Deposit(id, account, amount, now) : new Command.Withdraw(id, account, amount, now);
  }

  private Command transfer(TransferRequest r) {
    if (r.linked() == null) {
      return transfer(r, clockMs.getAsLong());
    }
    if (r.linked().isEmpty() || r.linked().size() + 1 > Ledger.MAX_BATCH_ITEMS) {
      throw new BadRequest("linked holds 1-" + (Ledger.MAX_BATCH_ITEMS - 1) + " transfers");
    }
    long now = clockMs.getAsLong();
    List<Command> items = new ArrayList<>();
    items.add(transfer(r, now));
    for (TransferRequest t : r.linked()) {
      if (t == null || t.linked() != null) {
        throw new BadRequest("linked transfers cannot have linked transfers of their own");
      }
      items.add(transfer(t, now));
    }
    // The batch's key is the first transfer's id, in the batch key space.
    return new Command.Batch(r.id(), items, now);
  }

  private Command transfer(TransferRequest r, long now) {
    String id = id("id", r.id());
    String from = id("from", r.from());
    String to = id("to", r.to());
    long amount = amount(r.amount());
    boolean pending = Boolean.TRUE.equals(r.pending());
    long timeoutMs = r.timeoutMs() == null ? 0 : r.timeoutMs();
    if (timeoutMs != 0 && (!pending || timeoutMs < 1 || timeoutMs > Ledger.MAX_TIMEOUT_MS)) {
      throw new BadRequest("timeoutMs is 1-" + Ledger.MAX_TIMEOUT_MS + ", for pending transfers only");
    }
    if (from.equals(to)) {
      throw new BadRequest("from and to must differ");
    }
    return new Command.Transfer(id, from, to, amount, pending, timeoutMs, now);
  }

  private Command batch(BatchRequest r) {
    String id = id("id", r.id());
    if (r.items() == null || r.items().isEmpty() || r.items().size() > Ledger.MAX_BATCH_ITEMS) {
      throw new BadRequest("items holds 1-" + Ledger.MAX_BATCH_ITEMS + " commands");
    }
    long now = clockMs.getAsLong();
    List<Command> items = new ArrayList<>();
    for (Command c : r.items()) {
      items.add(batchItem(c, now));
    }
    return new Command.Batch(id, items, now);
  }

  /** Checks one batch item as its own route would, and stamps it. */
  private Command batchItem(Command c, long now) {
    if (c instanceof Command.OpenAccount o) {
      return open(new OpenRequest(o.id(), o.limit()));
    } else if (c instanceof Command.Deposit d) {
      return deposit(new MoneyRequest(d.id(), d.account(), d.amount()), true);
    } else if (c instanceof Command.Withdraw w) {
      return deposit(new MoneyRequest(w.id(), w.account(), w.amount()), false);
    } else if (c instanceof Command.Transfer t) {
      return transfer(new TransferRequest(t.id(), t.from(), t.to(), t.amount(), t.pending(), t.timeoutMs(), null), now);
    } else if (c instanceof Command.PostPending p) {
      if (p.amount() < 0) {
        throw new BadRequest("amount is positive, or absent to post all");
      }
      return new Command.PostPending(id("id", p.id()), p.amount(), now);
    } else if (c instanceof Command.VoidPending v) {
      return new Command.VoidPending(id("id", v.id()), now);
    }
    throw new BadRequest("batch items are of type open, deposit, withdraw, transfer, post or void");
  }

  private Command postPending(String id, Optional<PostRequest> r) {
    long amount = 0;
    if (r.isPresent() && r.get().amount() != null) {
      amount = amount(r.get().amount());
    }
    return new Command.PostPending(id("transfer id", id), amount, clockMs.getAsLong());
  }

  private Command voidPending(String id) {
    return new Command.VoidPending(id("transfer id", id), clockMs.getAsLong());
  }

  private static String id(String field, String value) {
    if (value == null) {
      throw new BadRequest(field + " is required");
    }
    if (!Ledger.validId(value)) {
      throw new BadRequest(field + " must be " + ID_RULE);
    }
    return value;
  }

  private static long amount(Long amount) {
    if (amount == null) {
      throw new BadRequest("amount is required");
    }
    if (amount <= 0) {
      throw new BadRequest("amount must be a positive integer of minor units");
    }
    return amount;
  }

  // ---------------------------------------------------------------- plumbing

  private <T> Route body(Class<T> type, java.util.function.Function<T, Command> toCommand) {
    return entity(Unmarshaller.entityToByteArray(), bytes -> {
      Command command;
      try {
        T request = parse(bytes, type);
        if (request == null) {
          throw new BadRequest("expected a JSON object");
        }
        command = toCommand.apply(request);
      } catch (BadRequest e) {
        return complete(Json.error(StatusCodes.BAD_REQUEST, e.getMessage()));
      }
      return completeWithFuture(submit(command));
    });
  }

  private <T> Route optionalBody(Class<T> type, java.util.function.Function<Optional<T>, Command> toCommand) {
    return entity(Unmarshaller.entityToByteArray(), bytes -> {
      Command command;
      try {
        boolean empty = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank();
        if (!empty) {
          // A body, when given, is an object: "null" or "[]" must not read as "no body" (post all).
          JsonNode node = parse(bytes, JsonNode.class);
          if (node == null || !node.isObject()) {
            throw new BadRequest(type == Void.class ? "void takes no body (or {})" : "expected a JSON object or no body");
          }
          if (type == Void.class && node.size() > 0) {
            throw new BadRequest("void takes no body (or {})");
          }
        }
        command = toCommand.apply(empty || type == Void.class ? Optional.empty() : Optional.ofNullable(parse(bytes, type)));
      } catch (BadRequest e) {
        return complete(Json.error(StatusCodes.BAD_REQUEST, e.getMessage()));
      }
      return completeWithFuture(submit(command));
    });
  }

  private static <T> T parse(byte[] bytes, Class<T> type) {
    try {
      Json.requireUtf8(bytes);
      return LedgerCodec.MAPPER.readValue(bytes, type);
    } catch (UnrecognizedPropertyException e) {
      throw new BadRequest("unknown field '" + e.getPropertyName() + "'; known: " + e.getKnownPropertyIds());
    } catch (IOException e) {
      throw new BadRequest("malformed JSON: " + firstLine(e));
    }
  }

  private CompletionStage<HttpResponse> submit(Command command) {
    byte[] bytes;
    try {
      bytes = LedgerCodec.MAPPER.writeValueAsBytes(command);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return bounded(() -> ordering.command(LedgerStateMachine.NAME, bytes)).thenApply(LedgerRoutes::commandResponse)
        .exceptionally(LedgerRoutes::failure);
  }

  private Route read(Optional<String> consistency, Supplier<Query> query) {
    ReadConsistency level;
    Query q;
    try {
      level = consistency(consistency);
      q = query.get();
    } catch (BadRequest e) {
      return complete(Json.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
    byte[] bytes;
    try {
      bytes = LedgerCodec.MAPPER.writeValueAsBytes(q);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return completeWithFuture(bounded(() -> ordering.query(LedgerStateMachine.NAME, bytes, level))
        .thenApply(LedgerRoutes::queryResponse).exceptionally(LedgerRoutes::failure));
  }

  private CompletionStage<byte[]> bounded(Supplier<CompletionStage<byte[]>> call) {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(new Overloaded("too many ledger requests in flight on this node ("
          + maxInFlight + ", cluster-node.ledger.max-in-flight); nothing was proposed, retry later"));
    }
    CompletionStage<byte[]> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
    return stage.whenComplete((r, e) -> inFlight.decrementAndGet());
  }

  private static ReadConsistency consistency(Optional<String> value) {
    if (value.isEmpty() || value.get().equals("linearizable")) {
      return ReadConsistency.LINEARIZABLE;
    }
    if (value.get().equals("local")) {
      return ReadConsistency.LOCAL;
    }
    throw new BadRequest("consistency is linearizable (the default) or local");
  }

  private static Query balanceQuery(String id, Optional<String> asOf) {
    id("account id", id);
    AsOf at = AsOf.parse(asOf);
    return new Query.Balance(id, at.index(), at.timeMs());
  }

  private static Query historyQuery(String id, Optional<String> after, Optional<String> limit, Optional<String> asOf) {
    id("account id", id);
    long afterSeq = after.map(a -> number("after", a, 0, Long.MAX_VALUE)).orElse(0L);
    long max = limit.map(l -> number("limit", l, 1, Ledger.MAX_HISTORY_PAGE)).orElse((long) Query.DEFAULT_HISTORY_PAGE);
    AsOf at = AsOf.parse(asOf);
    return new Query.History(id, afterSeq, (int) max, at.index(), at.timeMs());
  }

  /** {@code ?asOf=}: a log index (digits only) or an ISO-8601 time; neither when absent. */
  private record AsOf(Long index, Long timeMs) {
    static AsOf parse(Optional<String> asOf) {
      if (asOf.isEmpty()) {
        return new AsOf(null, null);
      }
      String v = asOf.get();
      if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
        try {
          return new AsOf(Long.parseLong(v), null);
        } catch (NumberFormatException e) {
          throw new BadRequest("asOf index too large");
        }
      }
      try {
        return new AsOf(null, OffsetDateTime.parse(v).toInstant().toEpochMilli());
      } catch (DateTimeParseException e) {
        try {
          return new AsOf(null, Instant.parse(v).toEpochMilli());
        } catch (DateTimeParseException e2) {
          throw new BadRequest("asOf is a log index or an ISO-8601 time such as 2026-11-22T10:15:30Z");
        }
      }
    }
  }

  private static long number(String name, String value, long min, long max) {
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequest(name + " is an integer from " + min + " to " + max);
  }

  private static HttpResponse commandResponse(byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == (byte) 0xFF) {
      return Json.error(StatusCodes.INTERNAL_SERVER_ERROR, "the ordering protocol does not run the ledger: "
          + new String(bytes, 1, bytes.length - 1, java.nio.charset.StandardCharsets.UTF_8));
    }
    Result r;
    try {
      r = LedgerCodec.MAPPER.readValue(bytes, Result.class);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable ledger result: " + firstLine(e), e);
    }
    if (r.conflict() != null) {
      return rejection(StatusCodes.CONFLICT, r.conflict(), "id " + r.id() + " was used before for another "
          + r.type() + "; this is its first result", r);
    }
    if (r.ok()) {
      return Json.response(r.duplicate() ? StatusCodes.OK : StatusCodes.CREATED, r);
    }
    return rejection(rejectionStatus(r.reason()), r.reason(), r.detail() == null ? r.reason() : r.detail(), r);
  }

  private static StatusCode rejectionStatus(String reason) {
    switch (reason) {
      case Reasons.UNKNOWN_TRANSFER:
        return StatusCodes.NOT_FOUND;
      case Reasons.MALFORMED_COMMAND:
      case Reasons.INVALID_ID:
      case Reasons.INVALID_LIMIT:
      case Reasons.INVALID_TIMEOUT:
      case Reasons.INVALID_BATCH:
      case Reasons.AMOUNT_MUST_BE_POSITIVE:
        return StatusCodes.BAD_REQUEST;
      default:
        return StatusCodes.CONFLICT;
    }
  }

  private static HttpResponse queryResponse(byte[] bytes) {
    JsonNode answer;
    try {
      answer = LedgerCodec.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable ledger answer: " + firstLine(e), e);
    }
    if (answer.path("ok").asBoolean()) {
      return Json.ok(answer.get("value"));
    }
    String reason = answer.path("reason").asText();
    StatusCode status = switch (reason) {
      case Reasons.UNKNOWN_ACCOUNT -> StatusCodes.NOT_FOUND;
      case Reasons.HISTORY_TRUNCATED -> StatusCodes.GONE;
      case Reasons.MALFORMED_QUERY -> StatusCodes.BAD_REQUEST;
      default -> StatusCodes.CONFLICT;
    };
    return rejection(status, reason, answer.path("detail").asText(reason), null);
  }

  /** The API's error shape {@code {error, status}}, plus the machine-readable reason and the ledger's result. */
  private static HttpResponse rejection(StatusCode status, String reason, String message, Result result) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("status", status.intValue());
    body.put("reason", reason);
    if (result != null) {
      body.put("result", result);
    }
    return Json.response(status, body);
  }

  /** 503 no safe answer now, 429 too many requests here, 400 refused as invalid by the protocol. */
  private static HttpResponse failure(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof Unavailable || cause instanceof Overloaded || cause instanceof IllegalArgumentException) {
      return Json.failure(cause);
    }
    if (cause instanceof RuntimeException r) {
      throw r;
    }
    throw new IllegalStateException(cause);
  }

  private static String firstLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
