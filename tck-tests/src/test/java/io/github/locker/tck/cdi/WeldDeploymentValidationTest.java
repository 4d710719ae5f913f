package io.github.locker.tck.cdi;

/** The deployment-validation contract on Weld (Arquillian, weld-embedded). */
class WeldDeploymentValidationTest extends DeploymentValidationContract {
}
