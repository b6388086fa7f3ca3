package clusternode.protocols.transport;

import akka.actor.setup.ActorSystemSetup;
import akka.actor.BootstrapSetup;
import akka.serialization.jackson.JacksonObjectMapperFactory;
import akka.serialization.jackson.JacksonObjectMapperProviderSetup;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;

/**
 * Read limits for the Jackson CBOR that every message between nodes goes through. A peer may be
 * Byzantine: its bytes get the same bounded parsing as an HTTP body. Our messages nest a handful
 * of levels (a view change holds pre-prepares holding requests) and no string comes near a frame.
 */
public final class WireJackson extends JacksonObjectMapperFactory {
  public static final int MAX_NESTING_DEPTH = 64;
  public static final int MAX_NUMBER_LENGTH = 64;

  @Override
  public ObjectMapper newObjectMapper(String bindingName, JsonFactory jsonFactory) {
    // A string can be no longer than a frame; the frame size bounds it, this bounds the parser's work.
    jsonFactory.setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(MAX_NESTING_DEPTH).maxNumberLength(MAX_NUMBER_LENGTH).maxStringLength(16 << 20).build());
    return super.newObjectMapper(bindingName, jsonFactory);
  }

  /** The actor system's setup: {@code config}, and these limits on every Jackson serializer. */
  public static ActorSystemSetup setup(Config config) {
    return ActorSystemSetup.create(BootstrapSetup.create(config),
        JacksonObjectMapperProviderSetup.create(new WireJackson()));
  }
}
