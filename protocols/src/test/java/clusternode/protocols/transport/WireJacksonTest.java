package clusternode.protocols.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import clusternode.protocols.CborSerializable;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** Wire messages are read under bounded nesting: a peer cannot make a node parse 10,000 levels. */
class WireJacksonTest {
  public record Nest(Nest inner) implements CborSerializable {}

  private static Nest nest(int depth) {
    Nest n = null;
    for (int i = 0; i < depth; i++) {
      n = new Nest(n);
    }
    return n;
  }

  @Test
  void messagesNestedBeyondTheLimitAreRefusedWhileNormalOnesRoundTrip() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "wire",
        WireJackson.setup(ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load())));
    try {
      Serialization serialization = SerializationExtension.get(system);
      Nest shallow = nest(10);
      byte[] bytes = serialization.serialize(shallow).get();
      var serializer = serialization.findSerializerFor(shallow);
      String manifest = Serializers.manifestFor(serializer, shallow);
      assertEquals(shallow, serialization.deserialize(bytes, serializer.identifier(), manifest).get());

      Nest deep = nest(WireJackson.MAX_NESTING_DEPTH + 10);
      byte[] deepBytes = serialization.serialize(deep).get();
      assertThrows(Exception.class, () -> serialization.deserialize(deepBytes, serializer.identifier(), manifest).get());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }
}
