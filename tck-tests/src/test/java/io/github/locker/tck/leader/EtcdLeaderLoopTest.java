package io.github.locker.tck.leader;

import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.servers.EtcdMember;
import io.github.locker.tck.servers.EtcdServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leader loops on a three-member etcd cluster. Nodes {@code a} and {@code b} each talk to one
 * member that does not lead the cluster, so killing node a's member cuts node a off while the
 * cluster keeps its leader and its quorum (killing the leading member would make etcd extend every
 * lease by the election, which is etcd's business, not the loop's). Other nodes use every member.
 */
class EtcdLeaderLoopTest extends LeaderLoopContract {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(3);

    private final Map<String, EtcdMember> memberOfNode = new ConcurrentHashMap<>();

    @Override
    protected LockerBackend connectNode(String node) {
        List<EtcdMember> followers = ETCD.members().stream().filter(member -> !member.isLeader()).toList();
        String endpoints = switch (node) {
            case "a" -> use(node, followers.get(0));
            case "b" -> use(node, followers.get(1));
            default -> ETCD.endpoints();
        };
        return LockerDriver.find("etcd").orElseThrow()
                .connect(BackendConfig.of("etcd", node, Map.of("endpoints", endpoints, "timeout", "2s")));
    }

    private String use(String node, EtcdMember member) {
        memberOfNode.put(node, member);
        return member.clientUrl();
    }

    @Override
    protected void cutOff(String node) {
        memberOfNode.get(node).process().kill();
    }

    @AfterEach
    void restartKilledMembers() {
        for (EtcdMember member : memberOfNode.values()) {
            if (!member.process().isRunning()) {
                member.process().start();
            }
        }
    }

    @Override
    protected String driver() {
        return "etcd";
    }
}
