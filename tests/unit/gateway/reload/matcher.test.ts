import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { createReloadMatcher, DEFAULT_RELOAD_PATTERNS } from '../../../../src-main/gateway/reload/matcher';

const projectDir = path.resolve('/projects/shop');
const matcher = (options: { include?: string[]; exclude?: string[]; gitignoreText?: string } = {}) =>
  createReloadMatcher({ projectDir, ...options });

describe('createReloadMatcher: defaults', () => {
  const reloads = matcher();

  it.each([
    'app.py',
    'shop/views.py',
    'deep/er/still/models.py',
    'templates/index.html',
    'templates/base.jinja',
    'templates/mail.jinja2',
    'templates/robots.txt',
    'requirements.txt',
    'pyproject.toml',
    'setup.cfg',
    'pytest.ini',
    '.env',
    'config/.env',
  ])('reloads on %s', (file) => {
    expect(reloads(file)).toBe(true);
  });

  it.each([
    'README.md',
    'static/app.js',
    'static/style.css',
    'db.sqlite3',
    'app.py~',
    '.app.py.swp',
    '.#app.py', // emacs lock symlink
    'app.pyc',
    'shop/views.pyo',
    '.env.example.bak',
    'Makefile',
  ])('does not reload on %s', (file) => {
    expect(reloads(file)).toBe(false);
  });

  it.each(['.git/config.py', '__pycache__/app.cpython-312.py', 'shop/__pycache__/x.py', '.venv/lib/site.py', 'venv/bin/activate_this.py', 'node_modules/x/y.py', 'a/node_modules/b.py', '.tox/py312/lib/x.py', '.mypy_cache/x.txt'])(
    'never looks inside %s',
    (file) => {
      expect(reloads(file)).toBe(false);
      expect(reloads.watchesDir(path.posix.dirname(file))).toBe(false);
    },
  );

  it('lists the brief defaults', () => {
    expect([...DEFAULT_RELOAD_PATTERNS]).toEqual(['*.py', '*.html', '*.jinja', '*.jinja2', '*.txt', '*.toml', '*.ini', '*.cfg', '.env']);
  });

  it('takes absolute paths inside the project, and nothing outside it', () => {
    expect(reloads(path.join(projectDir, 'shop', 'views.py'))).toBe(true);
    expect(reloads(path.resolve('/projects/other/app.py'))).toBe(false);
    expect(reloads('../other/app.py')).toBe(false);
    expect(reloads('')).toBe(false);
    expect(reloads(projectDir)).toBe(false);
  });

  it('normalizes ./ prefixes and doubled slashes', () => {
    expect(reloads('./app.py')).toBe(true);
    expect(reloads('shop//views.py')).toBe(true);
    expect(reloads('./.git/hooks.py')).toBe(false);
  });

  it('watches the project folder itself and ordinary folders', () => {
    expect(reloads.watchesDir(projectDir)).toBe(true);
    expect(reloads.watchesDir('.')).toBe(true);
    expect(reloads.watchesDir('shop/templates')).toBe(true);
    expect(reloads.watchesDir('../elsewhere')).toBe(false);
  });
});

describe('createReloadMatcher: .gitignore', () => {
  it('skips ignored files and whole ignored folders', () => {
    const reloads = matcher({ gitignoreText: '# build output\nbuild/\ndist\n*.log.txt\n/local_settings.py\n' });
    expect(reloads('build/lib/app.py')).toBe(false);
    expect(reloads.watchesDir('build')).toBe(false);
    expect(reloads.watchesDir('shop/build')).toBe(false); // "build/" matches at any depth
    expect(reloads('dist/x.py')).toBe(false);
    expect(reloads.watchesDir('dist')).toBe(false);
    expect(reloads('server.log.txt')).toBe(false);
    expect(reloads('notes.txt')).toBe(true);
    expect(reloads('local_settings.py')).toBe(false);
    expect(reloads('shop/local_settings.py')).toBe(true); // anchored with a leading slash
  });

  it('a folder-only pattern (trailing slash) does not ignore a file of that name', () => {
    const reloads = matcher({ gitignoreText: 'settings.py/\n' });
    expect(reloads('settings.py')).toBe(true);
    expect(reloads.watchesDir('settings.py')).toBe(false);
  });

  it('honours negation', () => {
    const reloads = matcher({ gitignoreText: 'generated/*.py\n!generated/keep.py\n*.txt\n!requirements.txt\n' });
    expect(reloads('generated/schema.py')).toBe(false);
    expect(reloads('generated/keep.py')).toBe(true);
    expect(reloads.watchesDir('generated')).toBe(true);
    expect(reloads('notes.txt')).toBe(false);
    expect(reloads('requirements.txt')).toBe(true);
  });

  it('cannot re-include a file inside an ignored folder (as git cannot)', () => {
    const reloads = matcher({ gitignoreText: 'vendor/\n!vendor/patched.py\n' });
    expect(reloads('vendor/patched.py')).toBe(false);
    expect(reloads.watchesDir('vendor')).toBe(false);
  });

  it('handles "**" and comments and blank lines', () => {
    const reloads = matcher({ gitignoreText: '\n# comment\n**/migrations/*.py\nfoo/**/tmp\n' });
    expect(reloads('shop/migrations/0001_initial.py')).toBe(false);
    expect(reloads('migrations/0002.py')).toBe(false);
    expect(reloads('shop/models.py')).toBe(true);
    expect(reloads.watchesDir('foo/a/b/tmp')).toBe(false);
    expect(reloads('foo/a/b/tmp/x.py')).toBe(false);
    expect(reloads('foo/a/b/x.py')).toBe(true);
  });

  it('still reloads on .env when .gitignore lists it (it nearly always does)', () => {
    const reloads = matcher({ gitignoreText: '.env\n*.env\n' });
    expect(reloads('.env')).toBe(true);
  });

  it('an ignore-everything .gitignore with whitelisted *.py behaves like git', () => {
    const reloads = matcher({ gitignoreText: '*\n!*.py\n!*/\n' });
    expect(reloads('app.py')).toBe(true);
    expect(reloads('shop/views.py')).toBe(true);
    expect(reloads('templates/index.html')).toBe(false);
  });
});

describe('createReloadMatcher: --reload-include / --reload-exclude', () => {
  it('include adds file kinds, at any depth for a pattern without a slash', () => {
    const reloads = matcher({ include: ['*.yaml', 'data/*.json'] });
    expect(reloads('config/app.yaml')).toBe(true);
    expect(reloads('data/fixtures.json')).toBe(true);
    expect(reloads('other/data/fixtures.json')).toBe(false);
    expect(reloads('app.py')).toBe(true); // defaults stay
  });

  it('exclude beats the defaults and include', () => {
    const reloads = matcher({ include: ['*.yaml'], exclude: ['tests/', '*_test.py', 'secret.yaml'] });
    expect(reloads('tests/test_app.py')).toBe(false);
    expect(reloads.watchesDir('tests')).toBe(false);
    expect(reloads.watchesDir('shop/tests')).toBe(false);
    expect(reloads('shop/views_test.py')).toBe(false);
    expect(reloads('secret.yaml')).toBe(false);
    expect(reloads('public.yaml')).toBe(true);
    expect(reloads('shop/views.py')).toBe(true);
  });

  it('an excluded folder pattern without a trailing slash prunes the folder too', () => {
    const reloads = matcher({ exclude: ['migrations'] });
    expect(reloads.watchesDir('shop/migrations')).toBe(false);
    expect(reloads('shop/migrations/0001.py')).toBe(false);
  });

  it('include beats .gitignore for a file, not inside an ignored folder', () => {
    const reloads = matcher({ include: ['local_settings.py', '*.json'], gitignoreText: 'local_settings.py\nbuild/\n' });
    expect(reloads('local_settings.py')).toBe(true);
    expect(reloads('build/manifest.json')).toBe(false);
  });

  it('include cannot reach into folders that are never watched', () => {
    const reloads = matcher({ include: ['**/*.py', '*.pyc'] });
    expect(reloads('.venv/lib/x.py')).toBe(false);
    expect(reloads('app.pyc')).toBe(false);
  });

  it('ignores empty patterns', () => {
    const reloads = matcher({ include: ['', '  '], exclude: [''] });
    expect(reloads('app.py')).toBe(true);
    expect(reloads('README.md')).toBe(false);
  });
});
