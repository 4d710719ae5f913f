package io.github.locker.tck.payara;

import io.github.locker.tck.cdi.DeploymentValidationContract;

/** The deployment-validation contract on Payara Micro: every rule refuses the WAR, with our message in Payara's report. */
class PayaraDeploymentValidationTest extends DeploymentValidationContract {
}
