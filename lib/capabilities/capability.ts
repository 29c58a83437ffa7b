import { Construct } from 'constructs';

/** What every capability accepts besides its own props. */
export interface CapabilityProps {
  /**
   * Where the capability builds its parts. A stack whose resources predate the capability passes itself:
   * every construct path then stays as deployed, and with it every logical ID and every name CDK derives
   * from a path (the Lambda permissions of EventBridge targets, security group rules between two groups,
   * statement IDs of dead-letter queue policies). A changed logical ID makes CloudFormation create a
   * replacement before deleting the original, which fails for fixed names and duplicate security group
   * rules. Drop it once the stack has been moved with `cdk refactor`.
   * @default - the capability itself
   */
  readonly partsScope?: Construct;
}

/**
 * Base of the capability constructs (lib/capabilities/): one construct per capability of the
 * deployment, owning its resources, names, alarms, acknowledgements and logical-ID pins, with its
 * config-derived props computed by a `xxxSettings(config)` function next to it.
 */
export abstract class Capability extends Construct {
  /** Where the parts are built: see `CapabilityProps.partsScope`. */
  protected readonly partsScope: Construct;

  constructor(scope: Construct, id: string, props: CapabilityProps) {
    super(scope, id);
    this.partsScope = props.partsScope ?? this;
  }
}
