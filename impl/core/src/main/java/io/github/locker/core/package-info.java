/**
 * What every driver shares: argument checks, reentrancy, retry, the lock handle. Internal: only
 * the {@code io.github.locker} and {@code io.github.locker.spi} packages are the library's
 * contract; the types here are public only so the driver packages can use them.
 */
package io.github.locker.core;
