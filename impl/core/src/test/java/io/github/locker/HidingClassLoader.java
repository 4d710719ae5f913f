package io.github.locker;

import java.io.IOException;
import java.io.InputStream;

/**
 * An application class loader without one optional library: it defines this library's classes
 * itself, so their class lookups go through it, and refuses the hidden package.
 */
public final class HidingClassLoader extends ClassLoader {
    private final String hiddenPackage;
    private final String hiddenLibrary;

    /**
     * @param parent where every other class comes from
     * @param hiddenPackage the package prefix to refuse, e.g. {@code io.etcd.}
     * @param hiddenLibrary the library's name, for the refusal's message
     */
    public HidingClassLoader(ClassLoader parent, String hiddenPackage, String hiddenLibrary) {
        super(parent);
        this.hiddenPackage = hiddenPackage;
        this.hiddenLibrary = hiddenLibrary;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(hiddenPackage)) {
            throw new ClassNotFoundException(name + " (hidden: the application has no " + hiddenLibrary + ")");
        }
        if (!name.startsWith("io.github.locker.")) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try (InputStream bytecode = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    if (bytecode == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = bytecode.readAllBytes();
                    loaded = defineClass(name, bytes, 0, bytes.length);
                } catch (IOException unreadable) {
                    throw new ClassNotFoundException(name, unreadable);
                }
            }
            return loaded;
        }
    }
}
