"""Page generators, one module per page family. Each ``generate(site)`` yields ``Page``s."""

from . import activities, content, districts, goals, keyfigures, programme, reference, results, stories

GENERATORS = (activities.generate, goals.generate, programme.generate, results.generate, stories.generate, reference.generate, content.generate,
              keyfigures.generate, districts.generate)
