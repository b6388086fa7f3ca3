package clusternode.protocols;

/**
 * Marker for every message that crosses the wire between nodes. It is bound to Akka's
 * {@code jackson-cbor} serializer in this module's {@code reference.conf}; Java serialization is off.
 *
 * <p>It imports nothing from Akka, so the pure protocol cores may implement it.
 */
public interface CborSerializable {}
