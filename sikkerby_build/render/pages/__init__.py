"""Page generators, one module per page family. Each ``generate(site)`` yields ``Page``s."""

from . import activities, content, districts, factsheets, goals, keyfigures, news, programme, reference, results, stories

GENERATORS = (activities.generate, goals.generate, programme.generate, results.generate, stories.generate, reference.generate, content.generate,
              news.generate, factsheets.generate, factsheets.generate_reports, keyfigures.generate, districts.generate)
