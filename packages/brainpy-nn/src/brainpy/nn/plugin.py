"""The records brainpy-nn provides, registered through its ``brainpy.plugins`` entry point."""

from typing import List

from brainpy.math.plugins import TrainerSpec, TrainingAlgorithmSpec, hookimpl

_ALGOS = "brainpy.nn.algorithms"
_RUNNERS = "brainpy.nn.runners"


@hookimpl
def brainpy_training_algorithms() -> List[TrainingAlgorithmSpec]:
    return [
        TrainingAlgorithmSpec(name="rls", factory=f"{_ALGOS}.online:RLS", mode="online",
                              description="recursive least squares"),
        TrainingAlgorithmSpec(name="force", factory=f"{_ALGOS}.online:ForceLearning", mode="online",
                              description="FORCE learning (RLS on the readout weights)"),
        TrainingAlgorithmSpec(name="lms", factory=f"{_ALGOS}.online:LMS", mode="online",
                              description="least mean squares"),
        TrainingAlgorithmSpec(name="ridge", factory=f"{_ALGOS}.offline:RidgeRegression", mode="offline",
                              description="ridge regression (Tikhonov regularization)"),
        TrainingAlgorithmSpec(name="linear", factory=f"{_ALGOS}.offline:LinearRegression", aliases=("lstsq",),
                              mode="offline", description="least-squares linear regression"),
    ]


@hookimpl
def brainpy_trainers() -> List[TrainerSpec]:
    return [
        TrainerSpec(name="RNNTrainer", factory=f"{_RUNNERS}.trainers:RNNTrainer",
                    description="base class of the structural trainers"),
        TrainerSpec(name="OnlineTrainer", factory=f"{_RUNNERS}.trainers:OnlineTrainer",
                    description="online training with an online algorithm"),
        TrainerSpec(name="ForceLearning", factory=f"{_RUNNERS}.trainers:ForceLearning", aliases=("FORCELearning", "ForceTrainer"),
                    description="FORCE learning (online recursive least squares)"),
        TrainerSpec(name="OfflineTrainer", factory=f"{_RUNNERS}.trainers:OfflineTrainer",
                    description="offline training with an offline algorithm"),
        TrainerSpec(name="RidgeTrainer", factory=f"{_RUNNERS}.trainers:RidgeTrainer",
                    description="offline training by ridge regression"),
        TrainerSpec(name="BPTT", factory=f"{_RUNNERS}.back_propagation:BPTT",
                    description="back-propagation through time"),
        TrainerSpec(name="BPFF", factory=f"{_RUNNERS}.back_propagation:BPFF",
                    description="back-propagation for feedforward nodes"),
    ]
