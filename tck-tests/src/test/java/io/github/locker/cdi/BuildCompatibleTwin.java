package io.github.locker.cdi;

import jakarta.enterprise.inject.build.compatible.spi.BeanInfo;
import jakarta.enterprise.inject.build.compatible.spi.Discovery;
import jakarta.enterprise.inject.build.compatible.spi.Messages;
import jakarta.enterprise.inject.build.compatible.spi.Registration;
import jakarta.enterprise.inject.build.compatible.spi.ScannedClasses;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;
import jakarta.enterprise.inject.build.compatible.spi.Synthesis;
import jakarta.enterprise.inject.build.compatible.spi.Validation;

/**
 * {@link LockerBuildExtension} as a CDI Lite container runs it. Weld never runs an extension marked
 * {@code @SkipIfPortableExtensionPresent} (it is a full container), and reads only the phase
 * methods a class declares itself; so this test-only subclass declares each phase again, unmarked,
 * and hands it to the production method.
 */
public class BuildCompatibleTwin extends LockerBuildExtension {

    @Discovery
    public void discoveryPhase(ScannedClasses classes) {
        addInternalBeans(classes);
    }

    @Registration(types = Object.class)
    public void registrationPhase(BeanInfo bean) {
        collect(bean);
    }

    @Synthesis
    public void synthesisPhase(SyntheticComponents components) {
        addLockers(components);
    }

    @Validation
    public void validationPhase(Messages messages) {
        reportProblems(messages);
    }
}
