package clusternode.node.dashboard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dashboard's static files are packaged and load nothing from another origin. */
class DashboardFilesTest {
  private static String resource(String name) throws IOException {
    try (InputStream in = DashboardFilesTest.class.getClassLoader().getResourceAsStream("dashboard/" + name)) {
      assertNotNull(in, "dashboard/" + name + " is not on the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void everyFileIsThereAndNothingComesFromACdn() throws IOException {
    String index = resource("index.html");
    assertTrue(index.contains("/dashboard/dashboard.js") && index.contains("/dashboard/dashboard.css"));
    for (String name : List.of("index.html", "dashboard.js", "dashboard.css")) {
      String text = resource(name);
      assertFalse(text.contains("http://") || text.contains("https://") || text.contains("//cdn"),
          name + " refers to another origin");
    }
    String js = resource("dashboard.js");
    assertTrue(js.contains("'/cluster'") && js.contains("localStorage"), "polls /cluster and keeps the token");
  }
}
