"""A bounded cache of loaded models, least recently used first out."""
import threading
from collections import OrderedDict


class ModelCache:
    """Keeps at most `max_models` loaded models; loading one more unloads the least recently used."""

    def __init__(self, max_models=2, on_unload=None):
        if max_models < 1:
            raise ValueError("max_models must be at least 1")
        self.max_models = max_models
        self._on_unload = on_unload
        self._items = OrderedDict()
        self._lock = threading.RLock()

    def get(self, key, loader):
        """Returns the cached value for `key`, loading it with `loader()` on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            value = loader()
            self._items[key] = value
            while len(self._items) > self.max_models:
                old_key, old_value = self._items.popitem(last=False)
                self._unloaded(old_key, old_value)
            return value

    def unload(self, key):
        """Drops `key`; returns whether it was loaded."""
        with self._lock:
            value = self._items.pop(key, None)
        if value is None:
            return False
        self._unloaded(key, value)
        return True

    def keys(self):
        with self._lock:
            return list(self._items)

    def __contains__(self, key):
        with self._lock:
            return key in self._items

    def _unloaded(self, key, value):
        if self._on_unload is not None:
            self._on_unload(key, value)
