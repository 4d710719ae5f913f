package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.example.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's Weld SE quick start, run as pasted, its Redis URI pointed at a real server this test starts. */
class WeldQuickStartTest {

    @Test
    void mainRewardsTheFirstCheckInOnly() throws Exception {
        PrintStream console = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (Servers.Server redis = Servers.redis()) {
            // a system property outranks META-INF/microprofile-config.properties
            System.setProperty("redis.main.uri", redis.address());
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            Main.main(new String[0]);
        } finally {
            System.setOut(console);
        }
        assertEquals("first check-in rewarded: true\nsecond check-in rewarded: false\n",
                printed.toString(StandardCharsets.UTF_8));
    }
}
