package consumer;

import io.github.locker.Locked;
import io.github.locker.Locker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A job on the default locker: the one locker configured, or the one named {@code default}. */
@ApplicationScoped
public class NightlyJob {
    @Inject
    Locker locker;

    /** @return whether another thread could take the lock while this method held it */
    @Locked(key = "job:{name}")
    public boolean runAlone(String name) {
        return Application.fromAnotherThread(() -> locker.tryLock("job:" + name).isPresent());
    }
}
