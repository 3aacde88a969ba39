"""placeholder"""
__all__ = ["SlowPointFinder"]
class SlowPointFinder: pass
