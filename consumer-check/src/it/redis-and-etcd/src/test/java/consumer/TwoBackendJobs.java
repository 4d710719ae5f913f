package consumer;

import io.github.locker.Locked;
import io.github.locker.Locker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

@ApplicationScoped
public class TwoBackendJobs {
    @Inject
    @Named("redis")
    Locker redis;
    @Inject
    @Named("etcd")
    Locker etcd;

    /** @return whether another thread could take the Redis lock while this method held it */
    @Locked(locker = "redis", key = "job:{name}")
    public boolean onRedis(String name) {
        return Application.fromAnotherThread(() -> redis.tryLock("job:" + name).isPresent());
    }

    /** @return whether another thread could take the etcd lock while this method held it */
    @Locked(locker = "etcd", key = "job:{name}")
    public boolean onEtcd(String name) {
        return Application.fromAnotherThread(() -> etcd.tryLock("job:" + name).isPresent());
    }
}
