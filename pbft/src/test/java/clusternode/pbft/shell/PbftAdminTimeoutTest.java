package clusternode.pbft.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.http.javadsl.model.HttpResponse;
import clusternode.pbft.core.Byzantine;
import clusternode.protocols.http.Json;
import clusternode.protocols.statemachine.Unavailable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** POST /admin/byzantine under load: a replica too busy to answer in time is a 503 with a reason, not a 500. */
class PbftAdminTimeoutTest {
  private static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aReplicaThatDoesNotAnswerInTimeIsUnavailable() {
    TestProbe<PbftReplica.Command> busy = kit.createTestProbe(); // receives, never answers
    PbftReplicated pbft = new PbftReplicated(busy.ref(), kit.scheduler(), Duration.ofSeconds(10));
    CompletableFuture<?> change = pbft.setByzantine(Byzantine.SILENT).toCompletableFuture();
    busy.expectMessageClass(PbftReplica.SetByzantine.class);
    long waitS = PbftReplicated.ADMIN_ASK_TIMEOUT.toSeconds() + 10;
    ExecutionException e = assertThrows(ExecutionException.class, () -> change.get(waitS, TimeUnit.SECONDS));
    assertInstanceOf(Unavailable.class, e.getCause());
    HttpResponse response = Json.failure(e.getCause());
    assertEquals(503, response.status().intValue());
    assertTrue(e.getCause().getMessage().contains("did not confirm the change to silent"), e.getCause().getMessage());

    CompletableFuture<?> status = pbft.status().toCompletableFuture();
    ExecutionException s = assertThrows(ExecutionException.class, () -> status.get(waitS, TimeUnit.SECONDS));
    assertEquals(503, Json.failure(s).status().intValue());
  }
}
