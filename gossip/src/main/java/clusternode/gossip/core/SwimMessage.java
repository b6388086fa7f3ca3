package clusternode.gossip.core;

import clusternode.protocols.CborSerializable;
import java.util.List;

/** What SWIM members say to each other. Every message piggybacks a few membership updates. */
public sealed interface SwimMessage extends CborSerializable {
  String from();

  /** A direct probe; answered by an {@link Ack} with the same {@code seq}. */
  record Ping(String from, long seq, List<MemberUpdate> gossip) implements SwimMessage {}

  /** The answer to a ping, or a relay's forward of the target's answer to an indirect probe. */
  record Ack(String from, long seq, List<MemberUpdate> gossip) implements SwimMessage {}

  /** Asks {@code from}'s peer to probe {@code target} on its behalf and forward the ack. */
  record PingReq(String from, long seq, String target, List<MemberUpdate> gossip) implements SwimMessage {}

  /** Lifeguard: a relay tells the requester it got no ack from the target in time, so the requester knows it is itself fine. */
  record Nack(String from, long seq) implements SwimMessage {}

  /** memberlist's gossip: queued updates pushed to a few random members every gossip period, without reply. */
  record Gossip(String from, List<MemberUpdate> gossip) implements SwimMessage {}

  /** Push-pull of the whole membership: join through a seed, periodic repair, heal after a partition. */
  record Sync(String from, boolean reply, List<MemberUpdate> members) implements SwimMessage {}
}
