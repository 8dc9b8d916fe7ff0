// jsii talks to one Node.js process over one pipe: CDK calls from parallel test classes would interleave on it.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
