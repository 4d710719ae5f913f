package consumer;

import io.github.locker.Locked;
import io.github.locker.Locker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** A job on the locker named {@code etcd}, beside the default one on Redis. */
@ApplicationScoped
public class EtcdJob {
    @Inject
    @Named("etcd")
    Locker etcd;

    /** @return whether another thread could take the etcd lock while this method held it */
    @Locked(locker = "etcd", key = "job:{name}")
    public boolean runAlone(String name) {
        return Application.fromAnotherThread(() -> etcd.tryLock("job:" + name).isPresent());
    }
}
