package clusternode.protocols.kv.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import clusternode.protocols.kv.core.Event;
import clusternode.protocols.kv.core.KvCodec;
import clusternode.protocols.kv.core.KvCore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Server-Sent Events framing (text/event-stream) of watch and observe streams. */
final class Sse {
  private Sse() {}

  static HttpResponse response(Source<ByteString, ?> events) {
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM), events))
        .addHeader(RawHeader.create("Cache-Control", "no-cache"));
  }

  /**
   * One change as {@code data: {type, key, value?, modRevision, createRevision?, version?, lease?, revision, cause}};
   * {@code id:} (the revision) only on the last event of a revision, so a client that resumes with
   * Last-Event-ID never skips half a revision.
   */
  static ByteString events(List<Event> events) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      ObjectNode data = KvCodec.MAPPER.createObjectNode().put("type", e.type() == Event.Type.PUT ? "put" : "delete");
      ObjectNode kv = KvCore.view(e.kv());
      data.put("key", e.kv().key());
      if (e.type() == Event.Type.PUT) {
        data.set("value", kv.get("value"));
        data.put("createRevision", e.kv().createRevision()).put("version", e.kv().version());
        if (e.kv().lease() != 0) {
          data.put("lease", e.kv().lease());
        }
      }
      data.put("modRevision", e.revision()).put("revision", e.revision()).put("cause", e.cause());
      boolean lastOfRevision = i == events.size() - 1 || events.get(i + 1).revision() != e.revision();
      if (lastOfRevision) {
        out.append("id: ").append(e.revision()).append('\n');
      }
      out.append("data: ").append(json(data)).append("\n\n");
    }
    return ByteString.fromString(out.toString());
  }

  static ByteString named(String event, ObjectNode data) {
    return ByteString.fromString("event: " + event + "\ndata: " + json(data) + "\n\n");
  }

  static String json(ObjectNode n) {
    try {
      return KvCodec.MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
