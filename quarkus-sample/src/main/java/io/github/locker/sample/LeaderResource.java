package io.github.locker.sample;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDate;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code GET /leader}: whether this instance runs the settlement task now, and the day's settlement as stored. */
@Path("/leader")
@Produces(MediaType.APPLICATION_JSON)
public class LeaderResource {
    @Inject
    DailySettlement settlement;
    @Inject
    CheckinStore store;
    @ConfigProperty(name = "sample.node-id")
    String node;

    /**
     * This instance's view of the leader task.
     *
     * @param node this instance
     * @param leader whether this instance runs the task now
     * @param task the key of the task's lock
     * @param leaseMillis the lease of the task's lock: how long a crashed leader keeps the task from the others
     * @param settlement today's settlement as stored, naming the instance that wrote it last; null before any
     */
    public record View(String node, boolean leader, String task, long leaseMillis, Settlement settlement) {
    }

    /** @return this instance's view of the leader task */
    @GET
    public View leader() {
        return new View(node, settlement.isLeader(), settlement.key(), settlement.leaseTime().toMillis(),
                store.settlement(LocalDate.now()).orElse(null));
    }
}
