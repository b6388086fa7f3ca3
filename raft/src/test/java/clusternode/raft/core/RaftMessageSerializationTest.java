package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every message survives Jackson CBOR, the wire format the shell uses (Akka's jackson-cbor
 * serializer records the concrete class, so the records are sent as they are). Jackson lives only
 * in this test; the core does not depend on it.
 */
class RaftMessageSerializationTest {
  private final ObjectMapper cbor = new ObjectMapper(new CBORFactory());

  private <T> T roundTrip(Object value, Class<T> type) throws Exception {
    return cbor.readValue(cbor.writeValueAsBytes(value), type);
  }

  @Test
  void everyMessageRoundTrips() throws Exception {
    Membership m = new Membership(List.of("n1", "n2"), List.of("n3"));
    List<Entry> entries = List.of(
        new Entry(5, 2, EntryType.COMMAND, new byte[] {1, 2, 3}),
        new Entry(6, 2, EntryType.CONFIG, m.encode()),
        new Entry(7, 2, EntryType.NOOP, new byte[0]));
    List<RaftMessage> messages = List.of(
        new RaftMessage.RequestVote("n1", "n2", 3, 7, 2, true, false),
        new RaftMessage.RequestVoteResponse("n2", "n1", 3, true, true),
        new RaftMessage.AppendEntries("n1", "n2", 3, 4, 2, entries, 6, 42),
        new RaftMessage.AppendEntriesResponse("n2", "n1", 3, false, 0, 4, 1, 2, 42),
        new RaftMessage.InstallSnapshot("n1", "n3", 3, 9, 2, m, 16, new byte[] {9, 8}, true),
        new RaftMessage.InstallSnapshotResponse("n3", "n1", 3, 9, 18, true),
        new RaftMessage.TimeoutNow("n1", "n2", 3));
    for (RaftMessage msg : messages) {
      RaftMessage back = roundTrip(msg, msg.getClass());
      if (msg instanceof RaftMessage.InstallSnapshot is) {
        RaftMessage.InstallSnapshot b = (RaftMessage.InstallSnapshot) back;
        assertArrayEquals(is.chunk(), b.chunk());
        assertEquals(is.membership(), b.membership());
        assertEquals(is.offset(), b.offset());
      } else {
        assertEquals(msg, back, msg.getClass().getSimpleName());
      }
    }
  }

  @Test
  void membershipAndEntryKeepOnlyTheirComponents() throws Exception {
    Membership m = new Membership(List.of("b", "a"), List.of());
    assertEquals(m, roundTrip(m, Membership.class));
    String json = new ObjectMapper().writeValueAsString(new Entry(1, 1, EntryType.NOOP, null));
    assertEquals("{\"index\":1,\"term\":1,\"type\":\"NOOP\",\"data\":\"\"}", json);
  }
}
