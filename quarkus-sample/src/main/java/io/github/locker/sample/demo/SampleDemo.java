package io.github.locker.sample.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The client {@code demo.sh} runs against three instances of the sample:
 * <pre>
 * SampleDemo load --instances node-1=http://127.0.0.1:P1,... [--users 5] [--requests 300]
 * SampleDemo failover --instances node-1=http://...,... --pids node-1=PID1,...
 * </pre>
 * {@code load} prints the report and exits with 1 when a user was not rewarded exactly once;
 * {@code failover} kills the leader and exits with 1 when no other instance takes over.
 */
public final class SampleDemo {
    private SampleDemo() {
    }

    /** @param args the command and its options, as above */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: SampleDemo load|failover --instances node=url,... [options]");
        }
        Map<String, String> options = options(args);
        Instances instances = Instances.parse(required(options, "instances"));
        boolean ok = switch (args[0]) {
            case "load" -> {
                int users = Integer.parseInt(options.getOrDefault("users", "5"));
                CheckinLoad.Report report = new CheckinLoad(instances,
                        IntStream.rangeClosed(1, users).mapToObj(user -> "user-" + user).toList(),
                        Integer.parseInt(options.getOrDefault("requests", "300"))).run();
                report.print(System.out);
                yield report.exactlyOneRewardPerUser();
            }
            case "failover" -> {
                Map<String, Long> pids = new LinkedHashMap<>();
                for (String entry : required(options, "pids").split(",")) {
                    String[] nodeAndPid = entry.split("=", 2);
                    pids.put(nodeAndPid[0], Long.parseLong(nodeAndPid[1]));
                }
                yield new Failover(instances, pids).run(System.out);
            }
            default -> throw new IllegalArgumentException("unknown command '" + args[0] + "': load or failover");
        };
        System.exit(ok ? 0 : 1);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> rest = List.of(args).subList(1, args.length);
        for (int i = 0; i + 1 < rest.size(); i += 2) {
            if (!rest.get(i).startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, was '" + rest.get(i) + "'");
            }
            options.put(rest.get(i).substring(2), rest.get(i + 1));
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
