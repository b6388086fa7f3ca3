package clusternode.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import clusternode.gossip.core.MemberStatus;
import clusternode.gossip.core.MemberUpdate;
import clusternode.gossip.core.SwimMessage;
import clusternode.gossip.core.SyncMessage;
import clusternode.gossip.core.Versioned;
import clusternode.gossip.crdt.GCounter;
import clusternode.gossip.crdt.GSet;
import clusternode.gossip.crdt.HybridTimestamp;
import clusternode.gossip.crdt.LWWRegister;
import clusternode.gossip.crdt.MVRegister;
import clusternode.gossip.crdt.ORMap;
import clusternode.gossip.crdt.ORSet;
import clusternode.gossip.crdt.PNCounter;
import clusternode.gossip.crdt.VectorClock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every wire message, carrying every CRDT type, survives Akka's jackson-cbor serializer unchanged. */
class WireFormatTest {
  private static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Object roundTrip(Object o) {
    Serialization s = SerializationExtension.get(kit.system());
    Serializer serializer = s.findSerializerFor(o);
    assertEquals("jackson-cbor", s.serializerByIdentity().get(serializer.identifier()).map(x -> "jackson-cbor")
        .getOrElse(() -> "none"));
    byte[] bytes = serializer.toBinary(o);
    return s.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, o)).get();
  }

  @Test
  void everyMessageAndCrdtRoundTrips() {
    ORMap<PNCounter> cart = ORMap.empty();
    cart = cart.merge(cart.updateDelta("a", "apples", PNCounter.EMPTY.addDelta("a", 3)));
    ORSet set = ORSet.EMPTY.add("a", "x").add("b", "y").remove("x");
    ORSet gapped = ORSet.EMPTY.merge(set.addDelta("c", "z")).merge(set.addDelta("c", "z").addDelta("c", "w"));
    Map<String, Versioned> states = new TreeMap<>();
    VectorClock v = VectorClock.of(Map.of("n1.x", 2L, "n2.y", 1L));
    states.put("g", new Versioned(GCounter.EMPTY.increment("a", 4), v));
    states.put("pn", new Versioned(PNCounter.EMPTY.add("a", -4).add("b", 9), v));
    states.put("gs", new Versioned(GSet.EMPTY.add("q"), v));
    states.put("or", new Versioned(set, v));
    states.put("gap", new Versioned(gapped, v));
    states.put("lww", new Versioned(LWWRegister.EMPTY.writeDelta("a", "val", new HybridTimestamp(5, 1)), v));
    states.put("lww0", new Versioned(LWWRegister.EMPTY, v));
    states.put("mv", new Versioned(MVRegister.EMPTY.write("a", "1").merge(MVRegister.EMPTY.write("b", "2")), v));
    states.put("cart", new Versioned(cart, v));
    List<Object> messages = List.of(
        new SyncMessage.States("n1", states, List.of("k"), Map.of("g", v)),
        new SyncMessage.States("n1", Map.of(), List.of(), null),
        new SyncMessage.Digest("n1", Map.of("g", v, "e", VectorClock.EMPTY)),
        new SyncMessage.Delta("n1", 7, "pn", PNCounter.EMPTY.addDelta("a", 1), VectorClock.EMPTY, v),
        new SyncMessage.Replicate("n1", 7, "or", states.get("or")),
        new SyncMessage.WriteAck("n2", 7, "or", v, false),
        new SyncMessage.Read("n1", 8, "mv"),
        new SyncMessage.ReadReply("n2", 8, "mv", null),
        new SyncMessage.ReadReply("n2", 8, "mv", states.get("mv")),
        new SwimMessage.Ping("n1", 1, List.of(new MemberUpdate("n2", MemberStatus.SUSPECT, 3, "n1"))),
        new SwimMessage.Ack("n2", 1, List.of()),
        new SwimMessage.PingReq("n1", 2, "n3", List.of()),
        new SwimMessage.Nack("n2", 2),
        new SwimMessage.Gossip("n1", List.of(new MemberUpdate("n1", MemberStatus.ALIVE, 1, "n1"))),
        new SwimMessage.Sync("n1", false, List.of(new MemberUpdate("n3", MemberStatus.LEFT, 0, "n3"))));
    for (Object m : messages) {
      assertEquals(m, roundTrip(m), m.getClass().getSimpleName());
    }
  }
}
