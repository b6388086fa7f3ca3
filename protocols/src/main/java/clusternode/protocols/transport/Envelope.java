package clusternode.protocols.transport;

import akka.serialization.jackson.AkkaSerializationDeserializer;
import akka.serialization.jackson.AkkaSerializationSerializer;
import clusternode.protocols.CborSerializable;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * One protocol message on its way between two nodes. The payload is embedded with Akka's own
 * serialization (its serializer id and manifest travel with it), so any {@link CborSerializable}
 * record can ride inside without class names in the JSON type info.
 *
 * @param from the sending node's id; the receiving Transport checks it against its fault plan
 * @param protocol the name of the protocol actor that receives the payload
 */
public record Envelope(
    String from,
    String to,
    String protocol,
    @JsonSerialize(using = AkkaSerializationSerializer.class)
        @JsonDeserialize(using = AkkaSerializationDeserializer.class)
        Object payload)
    implements CborSerializable {}
