// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '*.js', '*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  // The operator console's page script runs in the browser, with the libraries its page loads.
  {
    files: ['src/console/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, io: 'readonly', Chart: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      // Optional DTO fields refuse null: see src/common/optional-fields.ts.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'class-validator',
              importNames: ['IsOptional'],
              message:
                'Use IsOptionalNotNull (or IsOptionalNullable) from src/common/optional-fields: @IsOptional() lets null through.',
            },
            ...['@nestjs/swagger', '@nestjs/mapped-types'].map((name) => ({
              name,
              importNames: ['PartialType'],
              message: 'Use PartialDto from src/common/optional-fields: PartialType() lets null through.',
            })),
          ],
        },
      ],
    },
  },
);
